// Per-client limits key IPv6 clients on their network (security review: one
// /64 defeated every per-IP bucket, since each request could use a new address).
import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../src/auth/client-network";

describe("clientNetwork", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(clientNetwork("203.0.113.7", 64)).toBe("203.0.113.7");
  });

  it("puts every address of one IPv6 /64 in one key, whatever its spelling", () => {
    const keys = [
      "2001:db8:abcd:12::1",
      "2001:db8:abcd:12:ffff:ffff:ffff:fffe",
      "2001:0DB8:ABCD:0012:0000:0000:0000:0001",
      "[2001:db8:abcd:12::7]",
      "2001:db8:abcd:12::9%eth0",
    ].map((ip) => clientNetwork(ip, 64));
    expect(new Set(keys)).toEqual(new Set(["2001:db8:abcd:12:0:0:0:0/64"]));
    expect(clientNetwork("2001:db8:abcd:13::1", 64)).not.toBe(keys[0]);
  });

  it("honours other prefix lengths, within a group too", () => {
    expect(clientNetwork("2001:db8:abcd:12::1", 48)).toBe("2001:db8:abcd:0:0:0:0:0/48");
    expect(clientNetwork("2001:db8:abcd:12ff::1", 56)).toBe("2001:db8:abcd:1200:0:0:0:0/56");
    expect(clientNetwork("2001:db8::1", 128)).toBe("2001:db8:0:0:0:0:0:1/128");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(clientNetwork("::ffff:192.0.2.1", 64)).toBe("192.0.2.1");
    expect(clientNetwork("::ffff:c000:201", 64)).toBe("192.0.2.1");
  });

  it("keeps anything else as its own bounded key", () => {
    expect(clientNetwork("unknown", 64)).toBe("unknown");
    expect(clientNetwork("1::2::3", 64)).toBe("1::2::3");
    expect(clientNetwork("2001:db8:1:2:3:4:5:6:7", 64)).toBe("2001:db8:1:2:3:4:5:6:7");
    expect(clientNetwork("x".repeat(200), 64)).toHaveLength(64);
  });
});
