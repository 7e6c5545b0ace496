import { describe, expect, it } from "vitest";
import { fromStrictUtf8, fromUtf8, utf8 } from "../../src/utf8";

describe("utf8", () => {
  it("round-trips text through its bytes", () => {
    const text = "pässwörd 🔑";
    expect(Array.from(utf8("é"))).toEqual([0xc3, 0xa9]);
    expect(fromUtf8(utf8(text))).toBe(text);
    expect(fromStrictUtf8(utf8(text))).toBe(text);
  });

  it("replaces malformed bytes leniently and refuses them strictly", () => {
    const malformed = new Uint8Array([0x61, 0xff, 0x62]);
    expect(fromUtf8(malformed)).toBe("a\uFFFDb");
    expect(() => fromStrictUtf8(malformed)).toThrow(TypeError);
  });

  it("keeps no state between calls: a bad input does not spoil the next", () => {
    expect(() => fromStrictUtf8(new Uint8Array([0xe2, 0x82]))).toThrow(TypeError);
    expect(fromStrictUtf8(utf8("€"))).toBe("€");
    expect(fromUtf8(new Uint8Array([0xe2, 0x82]))).toBe("\uFFFD");
    expect(fromUtf8(utf8("€"))).toBe("€");
  });
});
