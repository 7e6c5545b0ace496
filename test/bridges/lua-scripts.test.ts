import { describe, expect, it } from "vitest";
import {
  ScriptRewriter,
  sha1Hex,
  stripUnsupportedShebangFlags,
} from "../../dev/bridges/lua-scripts.ts";
import { RespError } from "../../dev/bridges/resp-codec.ts";

describe("stripUnsupportedShebangFlags", () => {
  it("drops Upstash-only flags but keeps the shebang line and the body", () => {
    expect(stripUnsupportedShebangFlags("#!lua flags=allow-key-locking\n  return 1\n")).toBe(
      "#!lua\n  return 1\n",
    );
    expect(stripUnsupportedShebangFlags("#!lua flags=allow-key-locking,no-writes\nreturn 1")).toBe(
      "#!lua flags=no-writes\nreturn 1",
    );
  });

  it("returns scripts without unknown flags unchanged (same SHA)", () => {
    for (const script of [
      "return 1",
      "#!lua\nreturn 1",
      "#!lua flags=no-writes,allow-oom\nreturn 1",
      "#!lua name=lib\n",
    ]) {
      expect(stripUnsupportedShebangFlags(script)).toBe(script);
    }
  });

  it("handles a script that is only a shebang line", () => {
    expect(stripUnsupportedShebangFlags("#!lua flags=allow-key-locking")).toBe("#!lua");
  });
});

describe("ScriptRewriter", () => {
  const script = "#!lua flags=allow-key-locking\nreturn 1";
  const original = sha1Hex(script);
  const stripped = sha1Hex("#!lua\nreturn 1");

  it("computes SHA1 the way @upstash/redis does (WebCrypto over UTF-8, lower-case hex)", async () => {
    const text = "return 'üñí ✓'";
    const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
    const expected = [...new Uint8Array(digest)]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(sha1Hex(text)).toBe(expected);
    expect(sha1Hex("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
  });

  it("maps EVALSHA of the original script only after the script was seen", () => {
    const rewriter = new ScriptRewriter();
    expect(rewriter.rewrite(["evalsha", original, "0"]).args).toEqual(["evalsha", original, "0"]);
    expect(rewriter.rewrite(["eval", script, "1", "k"]).args).toEqual([
      "eval",
      "#!lua\nreturn 1",
      "1",
      "k",
    ]);
    expect(rewriter.rewrite(["EVALSHA_RO", original.toUpperCase(), "0"]).args).toEqual([
      "EVALSHA_RO",
      stripped,
      "0",
    ]);
    expect(rewriter.rewrite(["script", "exists", original, "abc"]).args).toEqual([
      "script",
      "exists",
      stripped,
      "abc",
    ]);
  });

  it("answers SCRIPT LOAD with the original SHA but leaves errors alone", () => {
    const rewriter = new ScriptRewriter();
    const load = rewriter.rewrite(["SCRIPT", "LOAD", script]);
    expect(load.args).toEqual(["SCRIPT", "LOAD", "#!lua\nreturn 1"]);
    expect(load.mapReply?.(Buffer.from(stripped))).toEqual(Buffer.from(original));
    const error = new RespError("ERR Error compiling script");
    expect(load.mapReply?.(error)).toBe(error);
  });

  it("leaves other commands untouched", () => {
    const rewriter = new ScriptRewriter();
    const command = ["SET", "#!lua flags=allow-key-locking", "x"];
    expect(rewriter.rewrite(command)).toEqual({ args: command });
  });
});
