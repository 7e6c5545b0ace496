// base64url (RFC 4648 §5, unpadded) as every secret, hash and sealed box is
// written: checked against Node's own encoder at the lengths where a chunked
// encoder could go wrong (padding cases and the 8 KiB chunk edges).
import { describe, expect, it } from "vitest";
import { base64url, fromBase64url } from "../../src/auth/secrets";

describe("base64url", () => {
  it.each([0, 1, 2, 3, 32, 700, 8191, 8192, 8193, 20_000])("%i bytes", (length) => {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    const text = base64url(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64url"));
    expect(fromBase64url(text)).toEqual(bytes);
  });

  it("uses the URL alphabet, without padding", () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });
});
