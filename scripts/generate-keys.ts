// `npm run keys:generate`: prints a new SIGNING_KEYS value (a JWK set with one
// Ed25519 private key) for `wrangler secret put SIGNING_KEYS`.
import { generateSigningKeySet } from "../dev/keys.ts";

process.stdout.write(`${await generateSigningKeySet()}\n`);
