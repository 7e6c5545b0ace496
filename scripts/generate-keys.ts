// `npm run keys:generate`: prints a new SIGNING_KEYS value (a JWK set with one
// current Ed25519 key) for `wrangler secret put SIGNING_KEYS`.
// `npm run keys:generate -- --next`: prints one key with status "next", to add
// to an existing set when rotating (docs/key-rotation.md).
import { generateSigningKey, generateSigningKeySet } from "../dev/keys.ts";

const next = process.argv.includes("--next");
process.stdout.write(
  `${next ? JSON.stringify(await generateSigningKey("next")) : await generateSigningKeySet()}\n`,
);
