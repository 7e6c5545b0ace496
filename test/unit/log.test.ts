import { afterEach, describe, expect, it, vi } from "vitest";
import { errorName, log } from "../../src/log";

describe("structured log lines", () => {
  afterEach(() => vi.restoreAllMocks());

  it("write one JSON line per event, to the console method of its level", () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    log("info", "a", { n: 1 });
    log("warn", "b");
    log("error", "c", { ids: ["x", "y"] });
    expect(info.mock.calls).toEqual([['{"n":1,"level":"info","msg":"a"}']]);
    expect(warn.mock.calls).toEqual([['{"level":"warn","msg":"b"}']]);
    expect(error.mock.calls).toEqual([['{"ids":["x","y"],"level":"error","msg":"c"}']]);
  });

  it("keep level and msg whatever the fields say", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    log("warn", "real", { level: "info", msg: "forged" });
    expect(JSON.parse(warn.mock.calls[0]?.[0] as string)).toEqual({ level: "warn", msg: "real" });
  });

  it("name an error by its class, never by its message", () => {
    const err = new TypeError("duplicate key value (email)=(ada@example.com)");
    expect(errorName(err)).toBe("TypeError");
    expect(errorName({ name: "NeonDbError", message: "secret" })).toBe("NeonDbError");
    expect(errorName("a string")).toBeUndefined();
    expect(errorName(null)).toBeUndefined();
  });
});
