/**
 * Pod addresses of the unprivileged process runtime: 127.<base>.y.z, from .0.2 upwards,
 * freed addresses reused first. Any 127/8 address is local on Linux, so each pod can bind
 * its own without touching an interface.
 */
export class LoopbackAddresses {
  private readonly free: string[] = [];
  private next = 2;

  constructor(private readonly base: number) {}

  allocate(): string {
    const reused = this.free.shift();
    if (reused) return reused;
    const n = this.next++;
    if (n >= 256 * 256) throw new Error('loopback pod addresses exhausted');
    return `127.${this.base}.${Math.floor(n / 256)}.${n % 256}`;
  }

  release(ip: string): void {
    this.free.push(ip);
  }

  /** An address still in use by a pod from before a restart: never handed out again meanwhile. */
  reserve(ip: string): void {
    const m = new RegExp(`^127\\.${this.base}\\.(\\d+)\\.(\\d+)$`).exec(ip);
    if (m) this.next = Math.max(this.next, Number(m[1]) * 256 + Number(m[2]) + 1);
  }
}
