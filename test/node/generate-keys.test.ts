// `npm run keys:generate` (scripts/generate-keys.ts, scripts/put-secret.ts):
// what reaches SIGNING_KEYS must be the key set and nothing else.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KeysIo, parseKeysArgs, runKeysCommand } from "../../scripts/generate-keys.ts";
import { putSecret, wranglerSecretPut } from "../../scripts/put-secret.ts";
import { parseSigningKeys } from "../../src/auth/tokens/signing-jwk.ts";

const run = promisify(execFile);
const script = path.resolve("scripts/generate-keys.ts");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "edge-auth-keys-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for wrangler: records its arguments and everything on its stdin. */
const recorder = (file: string) => [
  process.execPath,
  "-e",
  `let d = ""; process.stdin.on("data", (c) => (d += c)).on("end", () =>
     require("node:fs").writeFileSync(${JSON.stringify(file)},
       JSON.stringify({ argv: process.argv.slice(1), stdin: d })));`,
];

function captureIo(put: KeysIo["put"]) {
  const out = { stdout: "", stderr: "" };
  const io: KeysIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    put,
  };
  return { out, io };
}

describe("node scripts/generate-keys.ts", () => {
  it("prints the key set alone on stdout: one JSON line the Worker accepts", async () => {
    const { stdout } = await run(process.execPath, [script]);
    expect(stdout.endsWith("\n")).toBe(true);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    const keys = parseSigningKeys(stdout);
    expect(keys.map((k) => k.status)).toEqual(["current"]);
  });

  it("--next prints one key with status next", async () => {
    const { stdout } = await run(process.execPath, [script, "--next"]);
    expect(JSON.parse(stdout)).toMatchObject({ kty: "OKP", crv: "Ed25519", status: "next" });
  });
});

describe("keys:generate -- --put", () => {
  // Regression: `npm run keys:generate | wrangler secret put SIGNING_KEYS`
  // stored npm's banner along with the key.
  it("runs npx wrangler secret put SIGNING_KEYS with the key set as its whole stdin", async () => {
    let command: readonly string[] = [];
    let value = "";
    const { out, io } = captureIo(async (c, v) => {
      command = c;
      value = v;
      return 0;
    });
    expect(await runKeysCommand(["--put", "--env", "production"], io)).toBe(0);
    expect(command).toEqual([
      "npx",
      "wrangler",
      "secret",
      "put",
      "SIGNING_KEYS",
      "--env",
      "production",
    ]);
    expect(parseSigningKeys(value).map((k) => k.status)).toEqual(["current"]);
    expect(value).toBe(JSON.stringify(JSON.parse(value)));
    // Nothing on stdout, where npm's banner goes; the note goes to stderr.
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain("npx wrangler secret put SIGNING_KEYS --env production");
    expect(out.stderr).not.toContain(value);
  });

  it("passes wrangler's exit code on", async () => {
    const { io } = captureIo(async () => 7);
    expect(await runKeysCommand(["--put"], io)).toBe(7);
  });

  it("refuses --put with --next (a next key alone would replace the whole set) and unknown options", async () => {
    const { out, io } = captureIo(async () => {
      throw new Error("must not run");
    });
    expect(await runKeysCommand(["--put", "--next"], io)).toBe(2);
    expect(out.stderr).toContain("would replace the whole set");
    expect(await runKeysCommand(["--bogus"], io)).toBe(2);
    expect(out.stdout).toBe("");
    expect(parseKeysArgs(["--next"])).toEqual({ kind: "print", next: true });
  });
});

describe("putSecret", () => {
  it("gives the command the value on stdin, byte for byte, and its arguments", async () => {
    const file = path.join(dir, "received.json");
    const value = '{"keys":[{"kty":"OKP","d":"secret-part"}]}';
    expect(await putSecret([...recorder(file), "put", "SIGNING_KEYS"], value)).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      argv: ["put", "SIGNING_KEYS"],
      stdin: value,
    });
  });

  it("resolves with the exit code of a command that fails without reading", async () => {
    expect(await putSecret([process.execPath, "-e", "process.exit(3)"], "x".repeat(1 << 20))).toBe(
      3,
    );
  });

  it("builds the wrangler command", () => {
    expect(wranglerSecretPut("SIGNING_KEYS")).toEqual([
      "npx",
      "wrangler",
      "secret",
      "put",
      "SIGNING_KEYS",
    ]);
  });
});
