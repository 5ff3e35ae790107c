/**
 * A test host in its own network namespace, joined to this machine by a veth pair with
 * addresses from 198.18.0.0/15 (DESIGN.md's test range). Root only: callers check
 * `netnsUnavailable()` first. `destroy()` kills what still runs inside, then removes the
 * namespace (which removes the veth pair).
 */
import { spawnSync } from 'node:child_process';

export interface TestHost {
  name: string;
  /** This machine's end of the link. */
  hostIp: string;
  /** The namespace's address. */
  ip: string;
  /** argv prefix that runs a command inside the namespace. */
  exec: string[];
  destroy(): void;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
}

let probed: string | false | undefined;

/** Why a network namespace with a veth pair cannot be made here, or false when it can (tried once, for real). */
export function netnsUnavailable(): string | false {
  if (probed !== undefined) return probed;
  if (process.getuid?.() !== 0) return (probed = 'network namespaces need root');
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return (probed = 'iproute2 (ip netns) is not available');
  try {
    createTestHost(63).destroy();
    probed = false;
  } catch (err) {
    probed = `cannot create a network namespace here: ${err instanceof Error ? err.message : String(err)}`;
  }
  return probed;
}

/** `index` picks the /30 inside 198.18.0.0/24 (0–63), so parallel tests do not collide. */
export function createTestHost(index: number): TestHost {
  const tag = `${process.pid % 100000}x${index}`;
  const name = `skiff-t${tag}`;
  const [hostIp, nsIp] = [`198.18.0.${index * 4 + 1}`, `198.18.0.${index * 4 + 2}`];
  const [outer, inner] = [`sk${tag}a`, `sk${tag}b`];
  ip('netns', 'add', name);
  const destroy = (): void => {
    const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['netns', 'del', name]);
    spawnSync('ip', ['link', 'del', outer]);
  };
  try {
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${hostIp}/30`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('-n', name, 'addr', 'add', `${nsIp}/30`, 'dev', inner);
    ip('-n', name, 'link', 'set', inner, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    destroy();
    throw err;
  }
  return { name, hostIp, ip: nsIp, exec: ['ip', 'netns', 'exec', name], destroy };
}
