import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A dummy network interface carrying the ClusterIPs as /32 addresses, so the proxy can bind
 * them (what kube-proxy's IPVS mode does with kube-ipvs0). Needs root. Only an interface this
 * object created is deleted on `destroy()`. Where the kernel has no dummy links (no module
 * in a sandbox), the addresses go on `lo` instead, as /32s, removed again one by one.
 */
export class DummyInterface {
  private created = false;
  /** True when the link was made here (not found already there), so destroy() may delete it. */
  private owned = false;
  private readonly addrs = new Set<string>();
  /** 'lo' when dummy links are unavailable. */
  private fallback: string | undefined;
  constructor(private readonly config: { name?: string; ip?: (args: string[]) => Promise<unknown> } = {}) {}

  get name(): string {
    return this.fallback ?? this.config.name ?? 'skiff0';
  }

  private ip(args: string[]): Promise<unknown> {
    return this.config.ip ? this.config.ip(args) : run('ip', args);
  }

  private async ensure(): Promise<void> {
    if (this.created) return;
    try {
      await this.ip(['link', 'add', this.name, 'type', 'dummy']);
      this.owned = true;
    } catch (err) {
      const why = String((err as { stderr?: string }).stderr ?? err);
      if (/Unknown device type|not supported/i.test(why)) this.fallback = 'lo';
      else if (!/File exists/.test(why)) throw err;
    }
    await this.ip(['link', 'set', this.name, 'up']);
    this.created = true;
  }

  async add(addr: string): Promise<void> {
    if (this.addrs.has(addr)) return;
    await this.ensure();
    try {
      await this.ip(['addr', 'add', `${addr}/${addr.includes(':') ? 128 : 32}`, 'dev', this.name]);
    } catch (err) {
      if (!/File exists/.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
    }
    this.addrs.add(addr);
  }

  async remove(addr: string): Promise<void> {
    if (!this.addrs.delete(addr)) return;
    await this.ip(['addr', 'del', `${addr}/${addr.includes(':') ? 128 : 32}`, 'dev', this.name]).catch(() => {});
  }

  /** Removes every address added and the interface itself. */
  async destroy(): Promise<void> {
    for (const a of [...this.addrs]) await this.remove(a);
    if (this.owned) await this.ip(['link', 'del', this.name]).catch(() => {});
    this.created = false;
    this.owned = false;
    this.fallback = undefined;
  }
}
