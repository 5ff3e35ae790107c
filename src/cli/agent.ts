import { hostname } from 'node:os';
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { clientFromConnection, HttpsTransport, jsonLogger, loadKubeconfig, RestClient, type ClusterConnection } from '../client/index.js';
import { startKubelet, type Taint } from '../kubelet/index.js';
import { checkCidr, parsePort } from './flag-parsers.js';
import { addNodeServiceOptions, startAgentNodeServices, type NodeServicesFlags } from './node-services.js';
import { keepConnectionsWarm } from './warm-connections.js';
import { networkPolicySetting } from '../netpol/node.js';
import { criEndpointProblem, DEFAULT_CRI_ENDPOINT } from '../kubelet/cri/endpoint.js';
import { addEvictionOptions, evictionSettings, type EvictionFlags } from './eviction-flags.js';
import { addStaticPodOptions, podManifestPath, type StaticPodFlags } from './static-pod-flags.js';
import { addContainerLogOptions, containerLogSettings, type ContainerLogFlags } from './container-log-flags.js';

function parseKv(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const out = { ...prev };
  for (const part of v.split(',').filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`"${part}" is not key=value`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function parseTaint(v: string, prev: Taint[] = []): Taint[] {
  const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`"${v}" is not key[=value]:Effect`);
  return [...prev, { key: m[1] as string, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] as string }];
}

function positiveInt(v: string): number {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError('must be a positive whole number.');
  return Number(v);
}

interface AgentOptions extends NodeServicesFlags, EvictionFlags, ContainerLogFlags, StaticPodFlags {
  disableDns?: boolean;
  disableIngress?: boolean;
  kubeconfig?: string;
  server?: string;
  token?: string;
  dataDir: string;
  nodeName: string;
  runtime: string;
  containerRuntimeEndpoint: string;
  nodeIp?: string;
  port: number;
  nodeLabels?: Record<string, string>;
  registerWithTaints?: Taint[];
  kubeReserved?: Record<string, string>;
  systemReserved?: Record<string, string>;
  maxPods: number;
  nodeLeaseDurationSeconds: number;
  podCidr?: string;
  podBridge: string;
}

/**
 * `skiff agent`: runs the kubelet, the service proxy and the cluster DNS on this machine.
 * It connects with a kubeconfig for now; joining with --server/--token (a bootstrap token exchanged for a
 * node certificate) belongs to the CLI issue and is refused with a clear message.
 */
export function registerAgentCommand(program: Command): void {
  const cmd = program.command('agent').description('run the node agent (kubelet, service proxy, cluster DNS, network policy enforcement) that registers this machine and runs the pods bound to it');
  addStaticPodOptions(addContainerLogOptions(addEvictionOptions(addNodeServiceOptions(cmd, { agent: true }))))
    .option('--kubeconfig <file>', 'kubeconfig to reach the API server (e.g. <server data dir>/admin.kubeconfig)')
    .option('--server <url>', 'API server URL to join (with --token)')
    .option('--token <token>', 'join token from `skiff token create` on the server (K10<ca hash>::<id>.<secret>)')
    .requiredOption('--data-dir <dir>', 'directory for logs and runtime state')
    .option('--node-name <name>', 'node name', hostname().toLowerCase())
    .option('--runtime <name>', 'container runtime: process, or cri (containerd)', 'process')
    .option('--container-runtime-endpoint <endpoint>', 'with --runtime cri: the CRI socket', DEFAULT_CRI_ENDPOINT)
    .option('--node-ip <ip>', 'address advertised as InternalIP and served by the kubelet API')
    .option('--port <n>', 'kubelet API port', parsePort, 10250)
    .option('--node-labels <k=v,…>', 'labels to register the node with', parseKv)
    .option('--register-with-taints <key[=value]:Effect>', 'a taint to register the node with (repeatable)', parseTaint)
    .option('--kube-reserved <res=q,…>', 'resources reserved for Kubernetes daemons (cpu=100m,memory=256Mi)', parseKv)
    .option('--system-reserved <res=q,…>', 'resources reserved for the OS', parseKv)
    .option('--max-pods <n>', 'pod capacity', positiveInt, 110)
    .option('--pod-cidr <cidr>', 'this node\'s pod range (root): each pod in its own network namespace on the node bridge (--pod-bridge) with an address from it; give every node its own range (no cross-node routes yet); without it pods get 127.1.y.z addresses', checkCidr)
    .option('--pod-bridge <name>', 'name of the node bridge with --pod-cidr', 'skiffbr0')
    .option('--node-lease-duration-seconds <n>', 'node lease duration; renewed every quarter of it (match the server\'s --node-lifecycle: 40 default, 8 fast)', positiveInt, 40)
    .action(async (o: AgentOptions) => {
      if (o.runtime !== 'process' && o.runtime !== 'cri') throw new InvalidArgumentError(`runtime "${o.runtime}" is not available (process or cri)`);
      if (o.runtime === 'cri' && o.podCidr) throw new InvalidArgumentError('--pod-cidr is for the process runtime; with cri, containerd\'s CNI config gives pods their addresses');
      const criProblem = o.runtime === 'cri' ? criEndpointProblem(o.containerRuntimeEndpoint) : undefined;
      if (criProblem) fail(1, criProblem);
      const eviction = (() => {
        try {
          return evictionSettings(o);
        } catch (err) {
          return fail(2, (err as Error).message);
        }
      })();
      if (o.podCidr && process.getuid?.() !== 0) fail(2, '--pod-cidr needs root (network namespaces and a bridge)');
      // Listen for SIGTERM/SIGINT from the start: one that comes while the node is still
      // starting must still lead to a clean stop, not the default kill.
      const stopRequested = new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      const kubeconfig = await agentKubeconfig(o);
      const logger = jsonLogger('kubelet');
      const connection = loadKubeconfig(kubeconfig ? { path: kubeconfig } : {});
      const client = clientFromConnection(connection, { userAgent: 'skiff-kubelet' });
      const statusClient = pooledClient(connection, STATUS_SOCKETS);
      const warmStatus = keepConnectionsWarm(statusClient, STATUS_SOCKETS);
      const eventClient = pooledClient(connection, EVENT_SOCKETS);
      const kubelet = await startKubelet({
        ...(o.disableDns ? {} : { clusterDNS: [o.clusterDns], clusterDomain: o.clusterDomain }),
        client,
        statusClient,
        eventClient,
        nodeName: o.nodeName,
        dataDir: o.dataDir,
        ...(o.nodeIp ? { nodeIP: o.nodeIp } : {}),
        apiPort: o.port,
        labels: o.nodeLabels ?? {},
        taints: o.registerWithTaints ?? [],
        kubeReserved: o.kubeReserved ?? {},
        systemReserved: o.systemReserved ?? {},
        maxPods: o.maxPods,
        runtime: o.runtime as 'process' | 'cri',
        containerRuntimeEndpoint: o.containerRuntimeEndpoint,
        ...(o.podCidr ? { podNetwork: { podCidr: o.podCidr, bridge: o.podBridge } } : {}),
        // Only the API server (its kubelet client certificate, signed by the cluster CA) may use the kubelet API.
        ...(connection.ca ? { clientCaPem: connection.ca.toString('utf8') } : {}),
        leaseIntervalMs: (o.nodeLeaseDurationSeconds * 1000) / 4,
        eviction,
        podManifestPath: podManifestPath(o, o.dataDir),
        containerLogs: containerLogSettings(o),
        logger,
      });
      process.stdout.write(`kubelet running: node ${kubelet.nodeName}, runtime ${kubelet.runtime.name}, API on port ${kubelet.apiPort}\n`);
      const networkPolicy = networkPolicySetting({ disabled: o.disableNetworkPolicy, ...(o.podCidr ? { bridge: o.podBridge } : {}), runtime: o.runtime, nodeName: kubelet.nodeName, dataDir: o.dataDir });
      const services = await startAgentNodeServices(client, o, networkPolicy);
      await stopRequested;
      // Pods keep running: a restarted agent finds them again.
      await services.stop();
      await kubelet.stop();
      warmStatus.stop();
      for (const c of [client, statusClient, eventClient]) c.close();
    });
}

// Pod status patches and Events get connection pools of their own, few sockets each: a
// burst of pod starts then reuses a handful of keep-alive connections instead of opening
// (and handshaking) one per request, and status never waits behind Events for a socket.
const STATUS_SOCKETS = 8;
const EVENT_SOCKETS = 2;

function pooledClient(connection: ClusterConnection, maxSockets: number): RestClient {
  return new RestClient({ transport: new HttpsTransport({ connection, maxSockets, userAgent: 'skiff-kubelet' }), namespace: connection.namespace });
}

/**
 * The kubeconfig the agent runs with: --kubeconfig as given, or the node kubeconfig a
 * join with --server/--token writes (or wrote on an earlier start); '' for the default
 * kubeconfig. A join that cannot work ends the command with a one-line reason.
 */
async function agentKubeconfig(o: AgentOptions): Promise<string> {
  if (o.kubeconfig) return o.kubeconfig;
  if (!o.server && !o.token) return '';
  if (!o.server || !o.token) {
    return fail(2, 'joining needs both --server URL and --token TOKEN (or pass --kubeconfig)');
  }
  // Loaded only to join: a node started from a kubeconfig never needs it.
  const { joinCluster, JoinError } = await import('./join.js');
  try {
    const path = await joinCluster({ server: o.server, token: o.token, nodeName: o.nodeName, dataDir: o.dataDir });
    process.stdout.write(`joined ${o.server} as node ${o.nodeName} (credentials in ${path})\n`);
    return path;
  } catch (err) {
    if (!(err instanceof JoinError)) throw err;
    return fail(1, `cannot join: ${err.message}`);
  }
}

function fail(code: number, message: string): never {
  process.stderr.write(`skiff agent: ${message}\n`);
  throw new CommanderError(code, 'skiff.agent.failed', message);
}
