/**
 * IPv4 and IPv6 CIDR matching for IpAddress/NotIpAddress. A bare address in the policy is a /32 or /128.
 * IPv4-mapped IPv6 request addresses (::ffff:a.b.c.d) are compared as IPv4.
 */

export interface Cidr {
  v6: boolean;
  /** The network as a 128-bit (v6) or 32-bit (v4) integer. */
  network: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) n = (n & ~0xffffffffn) | tailV4;
  return n;
}

const MAPPED_V4 = 0xffffn << 32n;

/** Parses an address; IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): { v6: boolean; value: bigint } | null {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = parseIpv6(trimmed);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn && (v6 & ~0xffffffffn) === MAPPED_V4) return { v6: false, value: v6 & 0xffffffffn };
  return { v6: true, value: v6 };
}

const cidrCache = new Map<string, Cidr | null>();

/** Parses (and caches) a policy CIDR or bare address; null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const hit = cidrCache.get(text);
  if (hit !== undefined) return hit;
  const cidr = parseCidrUncached(text);
  if (cidrCache.size >= 10_000) cidrCache.clear();
  cidrCache.set(text, cidr);
  return cidr;
}

function parseCidrUncached(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const bits = ip.v6 ? 128 : 32;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > bits) return null;
  }
  return { v6: ip.v6, network: ip.value & mask(prefix, bits), prefix };
}

function mask(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

export function cidrContains(cidr: Cidr, address: { v6: boolean; value: bigint }): boolean {
  if (cidr.v6 !== address.v6) return false;
  return (address.value & mask(cidr.prefix, cidr.v6 ? 128 : 32)) === cidr.network;
}
