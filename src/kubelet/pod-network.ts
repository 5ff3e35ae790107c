/**
 * Pod networking for the process runtime as root, as the CNI bridge plugin does it: each
 * pod gets a network namespace (`ip netns add skiff-<sandbox id prefix>`, so it outlives
 * the kubelet and a restarted one finds it by name), a veth pair whose host end is on the
 * node bridge and whose pod end is `eth0` with an address from the node's pod CIDR, a
 * default route via the bridge's gateway address, and `lo` up. The host reaches pods over
 * the bridge's connected route; pods reach each other over the bridge.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMasquerade, deleteBridgeIfUnused, deleteMasquerade, enableForwarding, ensureBridge, ip, linkExists, restoreForwarding, run } from './bridge.js';
import { PodIpam } from './pod-network-ipam.js';

export interface PodNetworkConfig {
  /** This node's pod range; its first host is the bridge's (gateway) address. */
  podCidr: string;
  /** Name of the node bridge (default skiffbr0). */
  bridge?: string;
}

export const DEFAULT_BRIDGE = 'skiffbr0';
const NETNS_PREFIX = 'skiff-';
/** What the state dir remembers of the node's network, so `skiff killall` can remove it too. */
const STATE_FILE = 'pod-network.json';

interface SavedNodeNetwork {
  podCidr: string;
  bridge: string;
  /** ip_forward before this node turned it on, restored when the bridge goes. */
  forwardingWas?: string;
}

export const netnsName = (sandboxId: string): string => `${NETNS_PREFIX}${sandboxId.slice(0, 12)}`;
export const netnsPath = (name: string): string => `/run/netns/${name}`;
/** The host end of a pod's veth pair (interface names have at most 15 characters). */
const hostVeth = (netns: string): string => `skv${netns.slice(NETNS_PREFIX.length, NETNS_PREFIX.length + 12)}`;

let nsenter: string | undefined;
/** The argv prefix that runs a command in the pod's network namespace (nsenter execs in place: the PID stays). */
export function netnsWrap(netns: string): string[] {
  nsenter ??= ['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter'].find((p) => existsSync(p)) ?? 'nsenter';
  return [nsenter, `--net=${netnsPath(netns)}`, '--'];
}

/** Deletes a pod's network namespace and its veth pair; idempotent. */
export async function removeNetns(netns: string): Promise<void> {
  // Deleting the host end takes the pod end with it, even while a process still holds the namespace.
  if (linkExists(hostVeth(netns))) await ip('link', 'del', hostVeth(netns)).catch(() => {});
  if (existsSync(netnsPath(netns))) await ip('netns', 'del', netns);
}

function readSaved(file: string | undefined): SavedNodeNetwork | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedNodeNetwork;
  } catch {
    return undefined;
  }
}

export class PodNetwork {
  readonly podCidr: string;
  readonly bridge: string;
  private readonly ipam: PodIpam;
  private readonly stateFile: string | undefined;
  private nodeReady: Promise<void> | undefined;
  private forwardingWas: string | undefined;
  /** Why pod traffic leaving the range is not masqueraded (nft failed), when it is not. */
  masqueradeError: string | undefined;

  constructor(config: PodNetworkConfig, stateDir?: string) {
    this.podCidr = config.podCidr;
    this.bridge = config.bridge ?? DEFAULT_BRIDGE;
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(this.bridge)) throw new Error(`bridge name "${this.bridge}" is not a valid interface name`);
    this.ipam = new PodIpam(config.podCidr);
    this.stateFile = stateDir ? join(stateDir, STATE_FILE) : undefined;
  }

  /** The network an earlier runtime on this state dir set up, if any (to tear it down). */
  static saved(stateDir: string | undefined): PodNetwork | undefined {
    const s = readSaved(stateDir ? join(stateDir, STATE_FILE) : undefined);
    return s ? new PodNetwork(s, stateDir) : undefined;
  }

  describe(): string {
    const masq = this.masqueradeError ? `; traffic leaving it is not masqueraded (${this.masqueradeError})` : '';
    return `each pod has its own network namespace on bridge ${this.bridge} with an address from ${this.podCidr}${masq}`;
  }

  /** Marks a re-adopted pod's address as taken. */
  reserve(address: string): void {
    this.ipam.reserve(address);
  }

  /** Bridge, forwarding and masquerade, once per runtime (again if the bridge disappeared). */
  private ensureNode(): Promise<void> {
    if (this.nodeReady && linkExists(this.bridge)) return this.nodeReady;
    const p = this.setupNode();
    this.nodeReady = p;
    p.catch(() => {
      if (this.nodeReady === p) this.nodeReady = undefined;
    });
    return p;
  }

  private async setupNode(): Promise<void> {
    await ensureBridge(this.bridge, `${this.ipam.gateway}/${this.ipam.prefixLength}`);
    const was = enableForwarding();
    this.forwardingWas ??= readSaved(this.stateFile)?.forwardingWas ?? was;
    if (this.stateFile) writeFileSync(this.stateFile, JSON.stringify({ podCidr: this.podCidr, bridge: this.bridge, forwardingWas: this.forwardingWas } satisfies SavedNodeNetwork));
    try {
      await applyMasquerade(this.bridge, this.podCidr);
      this.masqueradeError = undefined;
    } catch (err) {
      // Pods still reach the node and each other; only traffic leaving the node needs it.
      this.masqueradeError = (err as Error).message;
    }
  }

  /** Creates the pod's namespace and link; returns the namespace's name and the pod's address. */
  async attach(sandboxId: string): Promise<{ netns: string; ip: string }> {
    await this.ensureNode();
    const netns = netnsName(sandboxId);
    const veth = hostVeth(netns);
    const address = this.ipam.allocate();
    try {
      await ip('netns', 'add', netns);
      await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
      await ip('link', 'set', veth, 'master', this.bridge, 'up');
      const inside = [`addr add ${address}/${this.ipam.prefixLength} dev eth0`, 'link set eth0 up', 'link set lo up', `route add default via ${this.ipam.gateway}`];
      await run('ip', ['-n', netns, '-batch', '-'], `${inside.join('\n')}\n`);
    } catch (err) {
      await removeNetns(netns).catch(() => {});
      this.ipam.release(address);
      throw err;
    }
    return { netns, ip: address };
  }

  /** Deletes the pod's namespace and frees its address. */
  async detach(netns: string, address: string): Promise<void> {
    await removeNetns(netns);
    this.ipam.release(address);
  }

  /**
   * Removes what setupNode made, once no pod is left on the bridge (another node on this
   * machine may share it): the bridge, the masquerade table, ip_forward as it was.
   */
  async teardownNode(): Promise<void> {
    this.nodeReady = undefined;
    if (!(await deleteBridgeIfUnused(this.bridge)) && linkExists(this.bridge)) return;
    await deleteMasquerade(this.bridge);
    const was = this.forwardingWas ?? readSaved(this.stateFile)?.forwardingWas;
    if (was) restoreForwarding(was);
    if (this.stateFile) rmSync(this.stateFile, { force: true });
  }
}

/** Whether the pod's namespace is still there (not after a reboot). */
export const netnsExists = (netns: string): boolean => existsSync(netnsPath(netns));
