/** IPv4 CIDR arithmetic for the simulated VPC: blocks, containment, host addresses. */

export interface Block {
  base: number;
  prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseIp(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(cidr: string): Block | undefined {
  const m = CIDR.exec(cidr);
  if (!m) return undefined;
  const ip = parseIp(cidr.split('/')[0] ?? '');
  const prefix = Number(m[5]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

export const blockSize = (b: Block) => 2 ** (32 - b.prefix);

export function contains(outer: Block, inner: Block): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base < outer.base + blockSize(outer);
}

export function overlaps(a: Block, b: Block): boolean {
  return a.base < b.base + blockSize(b) && b.base < a.base + blockSize(a);
}

/** Whether an address (or a whole CIDR block) falls inside `cidr`. */
export function inCidr(cidr: string, ipOrCidr: string): boolean {
  const outer = parseCidr(cidr);
  const inner = ipOrCidr.includes('/') ? parseCidr(ipOrCidr) : { base: parseIp(ipOrCidr) ?? -1, prefix: 32 };
  return outer !== undefined && inner !== undefined && inner.base >= 0 && contains(outer, inner);
}
