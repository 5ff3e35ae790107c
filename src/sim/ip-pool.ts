/**
 * Fake pod IPs: 198.18.0.0/15 (reserved for benchmarking) split into one equal
 * power-of-two block per node (at most /24), so simulated pods never collide.
 */
const BASE = (198 << 24) | (18 << 16);
const SPACE = 1 << 17;

export function blockSize(nodes: number): number {
  let b = 256;
  while (b > 4 && b * Math.max(1, nodes) > SPACE) b >>= 1;
  return b;
}

export function ipString(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Hands out addresses from node `index`'s block, round robin, skipping network and broadcast. */
export class NodeIpPool {
  private next = 0;
  readonly cidr: string;
  readonly hostIP: string;
  private readonly base: number;
  private readonly size: number;

  constructor(index: number, nodes: number) {
    this.size = blockSize(nodes);
    this.base = (BASE + ((index * this.size) % SPACE)) >>> 0;
    this.cidr = `${ipString(this.base)}/${32 - Math.log2(this.size)}`;
    this.hostIP = ipString(this.base + 1);
  }

  allocate(): string {
    const usable = this.size - 3; // network, host, broadcast
    const ip = this.base + 2 + (this.next % usable);
    this.next++;
    return ipString(ip);
  }
}
