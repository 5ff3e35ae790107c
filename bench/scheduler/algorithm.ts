/**
 * The scheduling algorithm alone (no API server): N simulated nodes in the cache, P pods
 * through scheduleOne with a no-op binder. Shows the ceiling the API leaves room for.
 * Env: NODES, PODS, ZONES=1 (5 zones), SPREAD=1 (required zone spread), ANTI=1 (hostname anti-affinity).
 */
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { SchedulingQueue } from '../../src/scheduler/queue.js';
import { Framework } from '../../src/scheduler/framework.js';
import { Scheduler } from '../../src/scheduler/schedule-one.js';
import { defaultProfile } from '../../src/scheduler/config.js';
import { DEFAULT_PLUGINS, inTreeRegistry } from '../../src/scheduler/registry.js';
import { prioritySortLess } from '../../src/scheduler/plugins/priority-sort.js';
import { simNode } from '../../src/sim/sim-nodes.js';
import { mkPod } from '../../src/scheduler/testing.js';
import { realClock, silentLogger } from '../../src/client/index.js';
const N = Number(process.env.NODES ?? 5000), P = Number(process.env.PODS ?? 3000);
const cache = new SchedulerCache({ clock: realClock });
for (let i = 0; i < N; i++) cache.addOrUpdateNode(simNode(i, N, { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, zones: process.env.ZONES ? ['a','b','c','d','e'] : [] }));
const handle = { nodeInfos: () => cache.nodeList(), nodeInfo: (n: string) => cache.nodeInfo(n), nodesWithPodAffinity: () => cache.nodesWithPodAffinity(), nodesWithRequiredAntiAffinity: () => cache.nodesWithRequiredAntiAffinity(), priorityOf: () => 0, namespaceLabels: () => ({}) };
const reg = inTreeRegistry({ bind: async () => {}, preemption: { evict: async () => {}, nominate: async () => {} } });
const fw = new Framework({ profile: defaultProfile(), registry: reg, defaultPlugins: DEFAULT_PLUGINS, handle });
const queue = new SchedulingQueue({ less: prioritySortLess, priorityOf: () => 0, clock: realClock });
let bound = 0;
const s = new Scheduler({ frameworks: new Map([['default-scheduler', fw]]), cache, queue, clock: realClock, logger: silentLogger, sinks: { onUnschedulable: () => {}, onBound: () => { bound++; } }, percentageOfNodesToScore: 0 });
const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'blue' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
const spec = process.env.ANTI ? anti : process.env.SPREAD ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }] } : {};
for (let i = 0; i < P; i++) queue.add(mkPod({ name: `p${i}`, cpu: '100m', memory: '500Mi', labels: { color: 'blue' }, spec }));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < P; i++) { const q = await queue.pop(); await s.scheduleOne(q!); }
await s.drainBindings();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
// CPU per pod is the steadier figure on a shared machine (wall time includes waiting for a core).
console.log(`${P} pods on ${N} nodes: ${(ms / P).toFixed(3)} ms/pod, ${(P / ms * 1000).toFixed(0)} pods/s, ${((cpu.user + cpu.system) / 1000 / P).toFixed(3)} ms CPU/pod, bound ${bound}`);
queue.close();
