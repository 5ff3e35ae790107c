/**
 * Development aid, not the benchmark: CPU time the proxy's TCP data path spends per
 * HTTP request (20,000 keep-alive GETs at 50 in flight through listenTcp alone, no API server).
 * CPU µs per request is far less sensitive to a shared machine's load than wall-clock latency.
 * Usage: node --import tsx bench/proxy/datapath.ts [MODULE...] (listeners.ts variants to compare;
 * default the current one); env ROUNDS (default 3), CPU_PROF=1 to write profiles to ./prof.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/e2e/support/index.js';
import { load } from './load.js';

const mods = process.argv.slice(2);
const variants = mods.length > 0 ? mods : [''];
const rounds = Number(process.env.ROUNDS ?? 3);
const N = 20_000;
const C = 50;

function start(script: string, args: string[], node: string[] = []): { proc: ChildProcess; line: (re: RegExp) => Promise<string> } {
  const proc = spawn(process.execPath, [...node, '--import', 'tsx', join(REPO_ROOT, 'bench/proxy', script), ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiters: Array<() => void> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const line = (re: RegExp) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const m = re.exec(out);
        if (m) {
          out = out.slice(m.index + m[0].length);
          resolve(m[1] ?? '');
        } else waiters.push(check);
      };
      check();
    });
  return { proc, line };
}

const backend = start('backend-child.ts', ['127.0.77.1', '0']);
const kids: ChildProcess[] = [backend.proc];
try {
  const bePort = await backend.line(/ready (\d+)\n/);
  const proxies = variants.map((m, i) => {
    const p = start('datapath-child.ts', [`127.0.78.${i + 1}`, String(18200 + i), '127.0.77.1', bePort, m], process.env.CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', 'prof'] : []);
    kids.push(p.proc);
    return p;
  });
  for (const p of proxies) await p.line(/ready (\d+)\n/);
  const cpu = async (p: (typeof proxies)[number]) => {
    p.proc.stdin!.write('cpu\n');
    const [user = 0, sys = 0] = (await p.line(/cpu (\d+ \d+)\n/)).split(' ').map(Number);
    return { user, sys };
  };
  for (let i = 0; i < variants.length; i++) await load(`127.0.78.${i + 1}`, 18200 + i, 2000, C);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const p = proxies[i]!;
      const before = await cpu(p);
      const res = await load(`127.0.78.${i + 1}`, 18200 + i, N, C);
      const after = await cpu(p);
      const user = (after.user - before.user) / N;
      const sys = (after.sys - before.sys) / N;
      process.stdout.write(`${variants[i] || 'current'}: ${(user + sys).toFixed(1)} µs CPU/request (user ${user.toFixed(1)}, system ${sys.toFixed(1)}), ${Math.round(res.rps)} req/s, p50 ${res.p50.toFixed(2)} ms\n`);
    }
  }
  for (const p of proxies) p.proc.stdin!.end();
  await Promise.all(proxies.map((p) => new Promise((r) => (p.proc.exitCode !== null ? r(null) : p.proc.once('exit', r)))));
} finally {
  for (const k of kids) if (k.pid !== undefined && k.exitCode === null) process.kill(k.pid, 'SIGTERM');
}
