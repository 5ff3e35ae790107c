import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { parsePort } from './flag-parsers.js';
import { defaultDataDir } from './server.js';
import { checkCgroups, checkDataDir, checkPort, checkRuntime, type CheckResult } from './doctor-checks.js';
import { checkCluster } from './doctor-cluster.js';

export interface DoctorOptions {
  kubeconfig?: string;
  dataDir: string;
  port: number;
  kubeletPort: number;
  bindAddress: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  now?: () => number;
  timeoutMs?: number;
}

function parseIp(v: string): string {
  if (!isIP(v)) throw new InvalidArgumentError('must be an IP address.');
  return v;
}

/**
 * Runs every check, machine first, then the cluster. Resolves (never rejects) to the
 * results in print order; the run failed when any result is 'fail'.
 */
export async function runDoctor(o: DoctorOptions): Promise<CheckResult[]> {
  const dataDir = resolve(o.dataDir);
  // The cluster goes first so a port held by the very server we reach is recognised as ours.
  const cluster = await checkCluster({
    dataDir,
    ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.home ? { home: o.home } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  const own = { host: o.bindAddress, ...(cluster.reachable ? { ownServer: cluster.reachable } : {}) };
  const ports: CheckResult[] = [];
  if (o.port !== 0) ports.push(await checkPort(o.port, 'API server', own));
  if (o.kubeletPort !== 0) ports.push(await checkPort(o.kubeletPort, 'kubelet API', own));
  return [checkRuntime(), checkCgroups(), ...ports, checkDataDir(dataDir), ...cluster.checks];
}

/** One line per check (`ok   data dir     /path is writable`), hints under warnings and failures, then a summary. */
export function formatDoctor(checks: readonly CheckResult[]): string {
  const width = Math.max(12, ...checks.map((c) => c.name.length + 2));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.status.padEnd(5)}${c.name.padEnd(width)}${c.detail}`);
    if (c.hint && c.status !== 'ok') lines.push(`${' '.repeat(5 + width)}→ ${c.hint}`);
  }
  const n = (s: CheckResult['status']): number => checks.filter((c) => c.status === s).length;
  const fail = n('fail');
  lines.push('');
  lines.push(`${checks.length} checks: ${n('ok')} ok, ${n('warn')} warning${n('warn') === 1 ? '' : 's'}, ${fail} failed${fail ? '' : ' — nothing blocks skiff here'}`);
  return `${lines.join('\n')}\n`;
}

/** `skiff doctor`: checks this machine and the cluster in the kubeconfig, and explains what it finds. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check this machine and the cluster, and explain what is found: runtime and root, cgroups, ports, data dir, server, certificates, clock')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config, then <data-dir>/admin.kubeconfig)')
    .option('--data-dir <dir>', 'data directory to check (as for skiff up / skiff server)', defaultDataDir())
    .option('--port <port>', 'API server port that must be free to start a server (0 skips)', parsePort, 6443)
    .option('--kubelet-port <port>', 'kubelet API port that must be free to start a node (0 skips)', parsePort, 10250)
    .option('--bind-address <ip>', 'address the ports are checked on', parseIp, '0.0.0.0')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit code: 0 when no check failed (warnings allowed), 1 when one did.')
    .action(async (o: Omit<DoctorOptions, 'env' | 'home' | 'now' | 'timeoutMs'> & { output: 'text' | 'json' }) => {
      const checks = await runDoctor(o);
      const failed = checks.filter((c) => c.status === 'fail').length;
      if (o.output === 'json') process.stdout.write(`${JSON.stringify({ checks, failed }, null, 2)}\n`);
      else process.stdout.write(formatDoctor(checks));
      if (failed) throw new CommanderError(1, 'skiff.doctor.failed', `${failed} check(s) failed`);
    });
}
