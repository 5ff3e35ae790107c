import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { clientFromKubeconfig, jsonLogger } from '../client/index.js';
import { startSim, type SimNodeTemplate } from '../sim/index.js';

function parseKv(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const out = { ...prev };
  for (const part of v.split(',').filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`"${part}" is not key=value`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function parseTaint(v: string, prev: SimNodeTemplate['taints'] = []): NonNullable<SimNodeTemplate['taints']> {
  const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`"${v}" is not key[=value]:Effect`);
  return [...prev, { key: m[1] as string, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] as string }];
}

function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new InvalidArgumentError('must be a duration like 500ms, 2s or 1m');
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

/** `skiff sim`: registers N simulated nodes and runs their (simulated) lifecycle until stopped. */
export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('register simulated nodes (like kwok): leases renewed, bound pods become Running/Ready, nothing runs')
    .option('--kubeconfig <file>', 'kubeconfig of the API server')
    .requiredOption('--nodes <n>', 'number of simulated nodes', (v) => Number.parseInt(v, 10))
    .option('--prefix <name>', 'node name prefix', 'sim-node')
    .option('--cpu <q>', 'cpu capacity per node', '32')
    .option('--memory <q>', 'memory capacity per node', '256Gi')
    .option('--pods <n>', 'pod capacity per node', '110')
    .option('--labels <k=v,…>', 'extra node labels', parseKv)
    .option('--taint <key[=value]:Effect>', 'a taint on every node (repeatable)', parseTaint)
    .option('--zones <z1,z2,…>', 'zones assigned round robin (topology.kubernetes.io/zone)', (v) => v.split(',').filter(Boolean))
    .option('--node-file <file>', 'YAML/JSON node template {prefix, capacity, labels, taints, zones}; flags override')
    .option('--ready-delay <duration>', 'delay before a bound pod becomes Running/Ready', parseDuration, 1000)
    .option('--lease-interval <duration>', 'node Lease renewal interval (0 = none)', parseDuration, 10_000)
    .action(async (o: { kubeconfig?: string; nodes: number; prefix: string; cpu: string; memory: string; pods: string; labels?: Record<string, string>; taint?: SimNodeTemplate['taints']; zones?: string[]; nodeFile?: string; readyDelay: number; leaseInterval: number }) => {
      if (!Number.isInteger(o.nodes) || o.nodes < 1) throw new InvalidArgumentError('--nodes must be a positive integer');
      const logger = jsonLogger('sim');
      const fromFile = (o.nodeFile ? parseYaml(readFileSync(o.nodeFile, 'utf8')) : {}) as SimNodeTemplate;
      const template: SimNodeTemplate = {
        ...fromFile,
        prefix: o.prefix !== 'sim-node' ? o.prefix : (fromFile.prefix ?? o.prefix),
        capacity: { cpu: o.cpu, memory: o.memory, pods: o.pods, ...(fromFile.capacity ?? {}) },
        labels: { ...(fromFile.labels ?? {}), ...(o.labels ?? {}) },
        ...(o.taint || fromFile.taints ? { taints: [...(fromFile.taints ?? []), ...(o.taint ?? [])] } : {}),
        ...(o.zones || fromFile.zones ? { zones: o.zones ?? fromFile.zones ?? [] } : {}),
      };
      const client = clientFromKubeconfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), userAgent: 'skiff-sim' });
      const sim = await startSim({ client, nodes: o.nodes, template, readyDelayMs: o.readyDelay, leaseIntervalMs: o.leaseInterval, logger });
      process.stdout.write(`simulating ${sim.nodeNames.length} nodes (${sim.nodeNames[0]} … ${sim.nodeNames.at(-1)})\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await sim.stop();
      client.close();
    });
}
