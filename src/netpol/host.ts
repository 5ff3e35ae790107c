import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The node's side of enforcement: can it be done here, and making bridged traffic visible to it. */

const BRIDGE_NF = '/proc/sys/net/bridge/bridge-nf-call-iptables';

/** Why policies cannot be enforced on this machine (no root, no nft), or undefined when they can. */
export function enforcementProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (nftables rules need CAP_NET_ADMIN)';
  if (spawnSync('nft', ['--version'], { stdio: 'ignore' }).status !== 0) return 'the nft binary is not available';
  return undefined;
}

/**
 * Pods on one node talk over the bridge: their frames are switched, not routed, and reach
 * the inet `forward` hook only through br_netfilter with net.bridge.bridge-nf-call-iptables
 * on (the switch is named for iptables but gates every IPv4 netfilter hook, nftables' too).
 * Like k3s's agent, load the module and turn the switch on, rather than writing a second
 * rule set in the `bridge` family: then one table judges bridged and routed traffic alike,
 * with the same conntrack (replies), which the bridge family only has with nf_conntrack_bridge.
 * Returns a problem to report when same-node traffic stays unfiltered; the switch is left on
 * (as k3s leaves it): other nodes on this machine may rely on it.
 */
export function ensureBridgeNetfilter(): string | undefined {
  try {
    if (!existsSync(BRIDGE_NF)) execFileSync('modprobe', ['br_netfilter'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // Reported below: the switch is still missing.
  }
  if (!existsSync(BRIDGE_NF)) return 'br_netfilter is not available: traffic between pods of this node is not filtered (traffic to and from other machines is)';
  try {
    if (readFileSync(BRIDGE_NF, 'utf8').trim() !== '1') writeFileSync(BRIDGE_NF, '1');
    return undefined;
  } catch (err) {
    return `cannot turn on ${BRIDGE_NF} (${(err as Error).message}): traffic between pods of this node is not filtered`;
  }
}

/** The nftables table of the node whose pods are on `bridge` (one per bridge, so nodes sharing a machine keep theirs). */
export const netpolTable = (bridge: string): string => `skiff-netpol-${bridge}`;

/**
 * The table of a node without a skiff bridge (cri: pods on containerd's CNI bridge), named
 * for the node so nodes sharing a machine keep theirs. nft identifiers are
 * `[a-zA-Z][a-zA-Z0-9_.-]*` of at most 255 bytes; node names (DNS subdomains) already are,
 * anything else is mapped onto them.
 */
export const netpolNodeTable = (nodeName: string): string => `skiff-netpol-${nodeName.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`.slice(0, 255);

/** Deletes a network policy table by name; nothing when there is none (or no nft). */
export function removeNetworkPolicyTable(table: string): Promise<void> {
  return new Promise((resolve) => {
    const child = execFile('nft', ['-f', '-'], { timeout: 10_000 }, () => resolve());
    child.on('error', () => resolve());
    child.stdin?.on('error', () => {});
    child.stdin?.end(`add table inet ${table}\ndelete table inet ${table}\n`);
  });
}

/** Where a node without a skiff bridge notes its table, so `skiff killall` finds it after a crash. */
export const NETPOL_TABLE_FILE = 'netpol-table';

/** Notes (`table` given) or forgets the node's table in `dir`; best effort. */
export function recordNetworkPolicyTable(dir: string, table?: string): void {
  const file = join(dir, NETPOL_TABLE_FILE);
  try {
    if (table) writeFileSync(file, `${table}\n`);
    else rmSync(file, { force: true });
  } catch {
    // Only killall's cleanup after a crash needs it; the node removes its table on stop.
  }
}

/** The table noted in `dir`, if any. */
export function recordedNetworkPolicyTable(dir: string): string | undefined {
  try {
    const t = readFileSync(join(dir, NETPOL_TABLE_FILE), 'utf8').trim();
    return /^skiff-netpol-[a-z0-9_.-]+$/.test(t) ? t : undefined;
  } catch {
    return undefined;
  }
}
