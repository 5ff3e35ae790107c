import type { Command } from 'commander';
import { PodKind, type Pod } from '../api/core/v1/pod.js';
import { clientFromKubeconfig } from '../client/index.js';
import { LAST_ATTEMPT_ANNOTATION, type Verdict } from '../scheduler/index.js';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n');
}

/** The `skiff why` text for a pod: its placement, or the last attempt's per-node verdict and hints. */
export function formatWhy(pod: Pod): string {
  const ref = `pod/${pod.metadata?.name} -n ${pod.metadata?.namespace}`;
  if (pod.spec?.nodeName) return `${ref} is scheduled on node ${pod.spec.nodeName}.\n`;
  const raw = pod.metadata?.annotations?.[LAST_ATTEMPT_ANNOTATION];
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (!raw) {
    return `${ref} is not scheduled yet and the scheduler has not recorded an attempt${cond?.message ? ` (condition: ${cond.message})` : ''}.\nIs a scheduler running for schedulerName "${pod.spec?.schedulerName ?? 'default-scheduler'}"?\n`;
  }
  let v: Verdict;
  try {
    v = JSON.parse(raw) as Verdict;
  } catch {
    return `${ref}: the recorded verdict is not readable JSON.\n`;
  }
  const out: string[] = [];
  out.push(`${ref} is Pending: the last scheduling attempt (${v.time}) found no node.`);
  out.push('');
  out.push(v.message);
  if (v.nominatedNode) out.push(`Nominated node (preemption in progress): ${v.nominatedNode}`);
  out.push('');
  if (v.failures.length) {
    out.push('Why each node was rejected:');
    out.push(table([['NODES', 'PLUGIN', 'REASON', 'EXAMPLES'], ...v.failures.map((f) => [String(f.count), f.plugin, f.reason, f.nodes.slice(0, 3).join(', ') + (f.count > 3 ? ', …' : '')])]));
    out.push('');
  }
  if (v.perNode.length) {
    out.push(`Per node${v.perNode.length < v.nodes ? ` (first ${v.perNode.length} of ${v.nodes})` : ''}:`);
    out.push(table([['NODE', 'PLUGIN', 'VERDICT', 'REASON'], ...v.perNode.map((n) => [n.node, n.plugin, n.code, n.reasons.join('; ')])]));
    out.push('');
  }
  if (v.hints.length) {
    out.push('What would make it fit:');
    for (const h of v.hints) out.push(`  - ${h}`);
  }
  return `${out.join('\n')}\n`;
}

/** `skiff why pod/NAME -n NS`: explains why a pod is (not) scheduled. */
export function registerWhyCommand(program: Command): void {
  program
    .command('why')
    .description('explain why a pod is Pending: which node failed which scheduler plugin, and what would make it fit')
    .argument('<pod>', 'pod/NAME (or NAME)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--kubeconfig <file>', 'kubeconfig of the API server')
    .action(async (target: string, o: { namespace: string; kubeconfig?: string }) => {
      const name = target.replace(/^(pods?|po)\//, '');
      const client = clientFromKubeconfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), userAgent: 'skiff-why' });
      try {
        const pod = await client.resource<Pod>(PodKind).get(name, { namespace: o.namespace });
        process.stdout.write(formatWhy(pod));
      } finally {
        client.close();
      }
    });
}
