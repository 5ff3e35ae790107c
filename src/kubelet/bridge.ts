/**
 * The host side of pod networking, with iproute2 and nftables (root): a Linux bridge
 * carrying the pod range's gateway address, IPv4 forwarding, and a masquerade rule for
 * traffic leaving the pod range, in an nftables table of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FORWARDING = '/proc/sys/net/ipv4/ip_forward';

/** Runs a command; rejects with its stderr (the useful part of an `ip` or `nft` failure). */
export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export const ip = (...args: string[]): Promise<string> => run('ip', args);

export const linkExists = (name: string): boolean => existsSync(`/sys/class/net/${name}`);

/** Creates the bridge (if missing) with `address` (a.b.c.d/len) and brings it up; idempotent. */
export async function ensureBridge(name: string, address: string): Promise<void> {
  if (!linkExists(name)) {
    await ip('link', 'add', name, 'type', 'bridge').catch((err: Error) => {
      if (!/File exists/.test(err.message)) throw err;
    });
  }
  await ip('addr', 'replace', address, 'dev', name);
  await ip('link', 'set', name, 'up');
}

/** Interfaces still attached to the bridge. */
export async function bridgePorts(name: string): Promise<string[]> {
  if (!linkExists(name)) return [];
  const out = await ip('-o', 'link', 'show', 'master', name);
  return out.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1]).filter((n): n is string => !!n);
}

/** Deletes the bridge unless something is still attached to it (another node's pods). */
export async function deleteBridgeIfUnused(name: string): Promise<boolean> {
  if (!linkExists(name) || (await bridgePorts(name)).length > 0) return false;
  await ip('link', 'del', name).catch(() => {});
  return true;
}

/** Turns IPv4 forwarding on; returns the value it had before ('0' or '1'). */
export function enableForwarding(): string {
  const was = readFileSync(FORWARDING, 'utf8').trim();
  if (was !== '1') writeFileSync(FORWARDING, '1');
  return was;
}

export function restoreForwarding(value: string): void {
  if (value === '0' || value === '1') writeFileSync(FORWARDING, value);
}

/** The nftables table of a bridge's masquerade rule (one per bridge, so nodes on one machine keep theirs). */
export const natTable = (bridge: string): string => `skiff-pods-${bridge}`;

/**
 * Pod traffic leaving the pod range goes out with the node's address (the CNI bridge
 * plugin's ipMasq). Replaces the table atomically, so it is idempotent.
 */
export async function applyMasquerade(bridge: string, podCidr: string): Promise<void> {
  const t = natTable(bridge);
  await run('nft', ['-f', '-'], [
    `table ip ${t} {}`,
    `delete table ip ${t}`,
    `table ip ${t} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip saddr ${podCidr} ip daddr != ${podCidr} masquerade`,
    '  }',
    '}',
    '',
  ].join('\n'));
}

export async function deleteMasquerade(bridge: string): Promise<void> {
  await run('nft', ['delete', 'table', 'ip', natTable(bridge)]).catch(() => {});
}
