/**
 * The unit per-client limits count: an IPv4 address, or the IPv6 network of
 * the first `ipv6PrefixBits` bits (default 64). One subscriber usually holds a
 * whole /64 (RFC 6177 §3 recommends /48 to /64 per site) and can pick any
 * address in it per request, so keying on the full IPv6 address would give an
 * attacker 2^64 fresh buckets. IPv4-mapped IPv6 (`::ffff:192.0.2.1`, RFC 4291
 * §2.5.5.2) counts as the IPv4 address it maps.
 *
 * Anything that is not an IP address (a local run without CF-Connecting-IP)
 * is its own key, cut to a bounded length.
 */
export function clientNetwork(ip: string, ipv6PrefixBits: number): string {
  if (IPV4.test(ip)) return ip;
  const groups = parseIpv6(ip);
  if (!groups) return ip.slice(0, 64);
  if (isIpv4Mapped(groups)) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  const masked = groups.map((group, i) => {
    const bitsLeft = ipv6PrefixBits - i * 16;
    if (bitsLeft >= 16) return group;
    if (bitsLeft <= 0) return 0;
    return group & (0xffff << (16 - bitsLeft)) & 0xffff;
  });
  return `${masked.map((g) => g.toString(16)).join(":")}/${ipv6PrefixBits}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const GROUP = /^[0-9a-fA-F]{1,4}$/;

function isIpv4Mapped(groups: number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 §2.2 text forms), or null. */
function parseIpv6(text: string): number[] | null {
  const address = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (address.length > 45 || !address.includes(":")) return null;
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const side = (part: string | undefined): number[] | null => {
    if (!part) return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      // A dotted IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
      if (i === pieces.length - 1 && IPV4.test(piece)) {
        const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (GROUP.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = side(halves[0]);
  const tail = side(halves[1]);
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const zeros = 8 - head.length - tail.length;
  return zeros >= 1 ? [...head, ...new Array<number>(zeros).fill(0), ...tail] : null;
}
