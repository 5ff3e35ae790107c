/**
 * Pod addresses from the node's pod CIDR, as CNI's host-local IPAM hands them out: the
 * first host is the bridge's gateway, the others go to pods round-robin (an address just
 * freed is not handed out again at once), network and broadcast addresses never.
 */

const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** [network address as uint32, prefix length] of an IPv4 CIDR; throws on anything else. */
export function parseCidr(cidr: string): [number, number] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = Number(m?.[5]);
  if (!m || octets.some((o) => o > 255) || bits > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR`);
  const size = 2 ** (32 - bits);
  const n = toInt(octets.join('.'));
  return [n - (n % size), bits];
}

export class PodIpam {
  /** The bridge's address: the first host of the range. */
  readonly gateway: string;
  readonly prefixLength: number;
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(cidr: string) {
    const [net, bits] = parseCidr(cidr);
    if (bits > 29) throw new Error(`pod CIDR ${cidr} is too small (at most /29)`);
    this.prefixLength = bits;
    this.gateway = toIp(net + 1);
    this.first = net + 2;
    this.last = net + 2 ** (32 - bits) - 2;
    this.cursor = this.first - 1;
  }

  contains(ip: string): boolean {
    const n = toInt(ip);
    return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && n >= this.first && n <= this.last;
  }

  /** Marks an address as taken (a re-adopted pod's); false when it is not a pod address of this range. */
  reserve(ip: string): boolean {
    if (!this.contains(ip)) return false;
    const n = toInt(ip);
    this.used.add(n);
    if (n > this.cursor) this.cursor = n;
    return true;
  }

  /** The next free address after the last one handed out; throws when the range is full. */
  allocate(): string {
    const count = this.last - this.first + 1;
    for (let i = 1; i <= count; i++) {
      const n = this.first + ((this.cursor - this.first + i) % count);
      if (this.used.has(n)) continue;
      this.used.add(n);
      this.cursor = n;
      return toIp(n);
    }
    throw new Error(`no free pod address left in ${toIp(this.first - 2)}/${this.prefixLength}`);
  }

  release(ip: string): void {
    if (this.contains(ip)) this.used.delete(toInt(ip));
  }
}
