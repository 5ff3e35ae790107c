/**
 * What the CNI portmap plugin leaves behind, undone. On DEL it removes a pod's own chain
 * (CNI-DN-…) but keeps its top-level chains (CNI-HOSTPORT-DNAT, -SETMARK, -MASQ) and
 * their jumps from PREROUTING, OUTPUT and POSTROUTING; with iptables-nft even a DEL
 * without ports creates the `nat` tables. `snapshot()` before containerd starts, then
 * `restore()` after its pods are gone removes only the CNI chains and tables that were
 * not there before (another owner's rules are never touched).
 */
import { execFileSync } from 'node:child_process';

const CNI_CHAIN = /^CNI-(HOSTPORT-|DN-)/;
const FAMILIES = [
  { iptables: 'iptables', nft: 'ip' },
  { iptables: 'ip6tables', nft: 'ip6' },
] as const;

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** `nft list tables` as a set of "ip nat"-style names (empty when nft is missing). */
function nftTables(): Set<string> {
  return new Set((run('nft', ['list', 'tables']) ?? '').split('\n').map((l) => l.replace(/^table /, '').trim()).filter(Boolean));
}

function cniChains(iptables: string): Set<string> {
  const rules = run(iptables, ['-t', 'nat', '-S']) ?? '';
  return new Set(rules.split('\n').map((l) => /^-N (\S+)/.exec(l)?.[1]).filter((c): c is string => c !== undefined && CNI_CHAIN.test(c)));
}

export interface PortmapSnapshot {
  restore(): void;
}

export function snapshotPortmapRules(): PortmapSnapshot {
  const tables = nftTables();
  // Listing does not create a table when none exists (checked before listing).
  const chains = new Map(FAMILIES.map((f) => [f.iptables, tables.has(`${f.nft} nat`) ? cniChains(f.iptables) : new Set<string>()]));
  return {
    restore(): void {
      for (const f of FAMILIES) {
        if (!nftTables().has(`${f.nft} nat`)) continue;
        const before = chains.get(f.iptables) ?? new Set<string>();
        const ours = [...cniChains(f.iptables)].filter((c) => !before.has(c));
        // Jumps to our chains first (from any chain), then the chains themselves.
        const rules = (run(f.iptables, ['-t', 'nat', '-S']) ?? '').split('\n');
        for (const rule of rules) {
          const m = /^-A (\S+) (.*)$/.exec(rule);
          if (!m || !ours.some((c) => rule.includes(`-j ${c}`))) continue;
          run(f.iptables, ['-t', 'nat', '-D', m[1]!, ...splitRule(m[2]!)]);
        }
        for (const c of ours) run(f.iptables, ['-t', 'nat', '-F', c]);
        for (const c of ours) run(f.iptables, ['-t', 'nat', '-X', c]);
        // A table we caused, now without a single rule: gone as well.
        if (!tables.has(`${f.nft} nat`)) {
          const left = run('nft', ['list', 'table', f.nft, 'nat']) ?? '';
          const hasRules = left.split('\n').some((l) => /^\s+(?!chain |type |policy |})\S/.test(l) && !/^\s*$/.test(l));
          if (!hasRules) run('nft', ['delete', 'table', f.nft, 'nat']);
        }
      }
    },
  };
}

/** iptables -S prints arguments with double quotes around those holding spaces (comments). */
function splitRule(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]!);
  return out;
}
