import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIPv4 } from 'node:net';
import { join, resolve } from 'node:path';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { mergeKubeconfig, defaultUserKubeconfig } from './kubeconfig-merge.js';
import { checkCidr, cidrContains, cidrFirstHost, cidrOverlap, collectList, parsePort } from './flag-parsers.js';
import { defaultDataDir, encryptionAtRest, serverAddressOf } from './server.js';
import type { ValueTransformer } from '../storage/encryption/index.js';
import { addNodeLifecycleOptions, defaultTolerations, kubeletLeaseDurationSeconds, nodeLifecycleTimings, type NodeLifecycleFlags } from './node-lifecycle-flags.js';
import { holdSignalsDuringStart, parseDisable, startControlPlane, stopOnSignal, type EmbeddedComponent } from './control-plane.js';
import { addNodeServiceOptions, ingressPorts, startNodeServices, type NodeServices, type NodeServicesFlags } from './node-services.js';
import { ensureClusterDnsService } from './cluster-dns-service.js';
import { networkPolicySetting } from '../netpol/node.js';
import { detectNodeIP } from '../kubelet/node-status.js';
import type { RestClient } from '../client/rest-client.js';
import { criEndpointProblem, DEFAULT_CRI_ENDPOINT } from '../kubelet/cri/endpoint.js';
import { addEvictionOptions, evictionSettings, type EvictionFlags } from './eviction-flags.js';
import { addStaticPodOptions, podManifestPath, type StaticPodFlags } from './static-pod-flags.js';
import { addContainerLogOptions, containerLogSettings, type ContainerLogFlags } from './container-log-flags.js';

interface UpOptions extends NodeLifecycleFlags, NodeServicesFlags, EvictionFlags, ContainerLogFlags, StaticPodFlags {
  dataDir: string;
  port: number;
  bindAddress: string;
  clusterCidr: string;
  serviceCidr: string;
  runtime: 'process' | 'cri';
  containerRuntimeEndpoint: string;
  nodeName: string;
  kubeletPort: number;
  kubeconfig: boolean;
  disable: string[];
  podNetwork?: 'bridge' | 'loopback';
  podBridge: string;
  nodeIp?: string;
  encryptionProviderConfig?: string;
  secretsEncryption?: boolean;
}

function parseIp4(v: string): string {
  if (!isIPv4(v)) throw new InvalidArgumentError('must be an IPv4 address.');
  return v;
}


/**
 * Pods in their own network namespace reach ClusterIPs only through the node, which a
 * loopback service range cannot give them: the bridge is the default as root with a
 * routable service range, loopback addresses otherwise.
 */
export function defaultPodNetwork(isRoot: boolean, serviceCidr: string): 'bridge' | 'loopback' {
  return isRoot && !serviceCidr.startsWith('127.') ? 'bridge' : 'loopback';
}

/** `skiff up`: a whole single-node cluster in one process (the quick start). */
export function registerUpCommand(program: Command): void {
  const cmd = program
    .command('up')
    .description('run a whole cluster in one process: API server, controllers, scheduler and a local node')
    .option('--data-dir <dir>', 'where cluster state, keys and admin.kubeconfig live (kept across restarts)', defaultDataDir())
    .option('--port <port>', 'HTTPS port of the API server (0 picks a free port)', parsePort, 6443)
    .option('--bind-address <ip>', 'address the API server listens on', parseIp4, '0.0.0.0')
    .option('--cluster-cidr <cidr>', 'pod IP range (checked against --service-cidr); the node\'s pod range with --pod-network bridge, else pods get 127.<its second octet>.y.z', checkCidr, '10.42.0.0/16')
    .addOption(new Option('--pod-network <mode>', 'bridge: each pod in its own network namespace on the node bridge (--pod-bridge) with an address from --cluster-cidr (root); loopback: pods share the host network with a 127.x.y.z address each (default: bridge as root unless --service-cidr is loopback, which pods in a namespace cannot reach)').choices(['bridge', 'loopback']))
    .option('--pod-bridge <name>', 'name of the node bridge with --pod-network bridge', 'skiffbr0')
    .option('--service-cidr <cidr>', 'Service ClusterIP range', checkCidr, '10.43.0.0/16')
    .option('--cluster-dns <ip>', 'cluster DNS IP: the kube-dns Service, answered by the node\'s DNS on port 53 and the nameserver of pods with dnsPolicy ClusterFirst (as root; inside --service-cidr)', parseIp4, '10.43.0.10')
    .addOption(new Option('--runtime <kind>', 'how the local node runs containers: host processes, or containerd over CRI').choices(['process', 'cri']).default('process'))
    .option('--container-runtime-endpoint <endpoint>', 'with --runtime cri: the CRI socket', DEFAULT_CRI_ENDPOINT)
    .option('--node-name <name>', 'name of the local node', hostname().toLowerCase())
    .option('--node-ip <ip>', "the local node's InternalIP, where the API server reaches its kubelet (default: this machine's address)", parseIp4)
    .option('--kubelet-port <port>', 'port of the local kubelet API (logs, exec; 0 picks a free port)', parsePort, 10250)
    .option('--no-kubeconfig', 'do not merge a "skiff" context into ~/.kube/config (admin.kubeconfig is written regardless)')
    .option('--disable <components>', 'in-process components not to run: controller-manager, scheduler, dns, ingress (comma-separated)', collectList, [])
    .option('--encryption-provider-config <file>', 'encrypt resources at rest: an apiserver.config.k8s.io/v1 EncryptionConfiguration (as skiff server)')
    .option('--secrets-encryption', 'encrypt Secrets at rest with an aescbc key generated on first start in <data-dir>/cred/encryption-config.json');
  addNodeServiceOptions(cmd, { agent: false });
  addEvictionOptions(cmd);
  addStaticPodOptions(cmd);
  addContainerLogOptions(cmd);
  addNodeLifecycleOptions(cmd, { admission: true })
    .addHelpText(
      'after',
      `
Examples:
  skiff up                                       # state in ${defaultDataDir()}, API on :6443
  skiff up --data-dir ./.skiff-data --port 7443 --no-kubeconfig

Then: kubectl --kubeconfig <data-dir>/admin.kubeconfig get nodes`,
    )
    .action(async (opts: UpOptions, cmd: Command) => {
      if (!cidrContains(opts.serviceCidr, opts.clusterDns)) cmd.error(`error: --cluster-dns ${opts.clusterDns} is not inside --service-cidr ${opts.serviceCidr}`);
      if (cidrOverlap(opts.clusterCidr, opts.serviceCidr)) cmd.error(`error: --cluster-cidr ${opts.clusterCidr} overlaps --service-cidr ${opts.serviceCidr}`);
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(opts.nodeName)) cmd.error(`error: --node-name "${opts.nodeName}" is not a valid DNS subdomain`);
      if (opts.podNetwork === 'bridge' && process.getuid?.() !== 0) cmd.error('error: --pod-network bridge needs root (network namespaces and a bridge); use --pod-network loopback');
      opts.podNetwork ??= defaultPodNetwork(process.getuid?.() === 0, opts.serviceCidr);
      const criProblem = opts.runtime === 'cri' ? criEndpointProblem(opts.containerRuntimeEndpoint) : undefined;
      if (criProblem) cmd.error(`error: ${criProblem}`);
      try {
        evictionSettings(opts);
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`);
      }
      let disable: Set<EmbeddedComponent>;
      // The cluster DNS runs with the local node, not in the control plane (k3s calls it coredns).
      const dns = !opts.disable.some((c) => NODE_DNS.has(c));
      // So does the ingress controller (k3s: traefik).
      const ingress = !opts.disable.some((c) => NODE_INGRESS.has(c));
      try {
        disable = parseDisable(opts.disable.filter((c) => !NODE_DNS.has(c) && !NODE_INGRESS.has(c)));
      } catch (err) {
        cmd.error(`error: --disable: ${err instanceof Error ? err.message : String(err)}`);
      }
      const dataDir = resolve(opts.dataDir);
      const encryption = encryptionAtRest(opts, dataDir, cmd);
      const failure = await runUp({ ...opts, dataDir }, disable, { dns, ingress }, encryption);
      if (failure) {
        process.stderr.write(`error: ${failure}\n`);
        throw new CommanderError(1, 'skiff.up.failed', failure);
      }
    });
}

const say = (line: string): void => {
  process.stdout.write(`skiff up: ${line}\n`);
};

/** `--disable` names of what runs with the local node rather than in the control plane (k3s's names too). */
const NODE_DNS = new Set(['dns', 'coredns']);
const NODE_INGRESS = new Set(['ingress', 'traefik']);

const CONTROL_PLANE_LABELS = { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' };

async function runUp(opts: UpOptions, disable: Set<EmbeddedComponent>, node: { dns: boolean; ingress: boolean }, encryption: { encryption?: ValueTransformer }): Promise<string | undefined> {
  const { dns } = node;
  const restart = existsSync(join(opts.dataDir, 'admin.kubeconfig'));
  say(`${restart ? 'restarting the cluster kept' : 'starting a new cluster'} in ${opts.dataDir}`);
  const { createResourceHandler } = await import('../apiserver/resources/index.js');
  // A SIGTERM while the node starts is acted on once it is up (released on every failed start below).
  const held = holdSignalsDuringStart();
  let cp;
  try {
    cp = await startControlPlane({
      server: {
        dataDir: opts.dataDir,
        port: opts.port,
        bindAddress: opts.bindAddress,
        // The in-cluster `kubernetes` Service IP is the service range's first address.
        tlsSans: [cidrFirstHost(opts.serviceCidr)],
        datastore: { backend: 'sqlite', path: join(opts.dataDir, 'db', 'state.db'), ...encryption },
        // As a kubeadm cluster: Node,RBAC (the in-process components run as system:masters).
        authorizationMode: 'RBAC',
        createResources: (c) => createResourceHandler({ ...c, serviceCidr: opts.serviceCidr, defaultTolerations: defaultTolerations(opts), serviceAccounts: true, podSecurity: true }),
      },
      disable,
      nodeLifecycle: nodeLifecycleTimings(opts),
      kubernetesService: { clusterIP: cidrFirstHost(opts.serviceCidr), endpointIP: serverAddressOf(opts.bindAddress) },
      progress: say,
    });
  } catch (err) {
    held.release();
    return err instanceof Error ? err.message : String(err);
  }
  const server = cp.server;
  say(`admin kubeconfig: ${server.kubeconfigPath}`);
  say(`dashboard at ${server.url}/dashboard/ (sign in with the token in ${join(opts.dataDir, 'admin.token')})`);
  if (opts.kubeconfig) {
    try {
      const path = defaultUserKubeconfig();
      const r = mergeKubeconfig({ target: path, source: server.kubeconfigPath, name: 'skiff' });
      say(`context "skiff" ${r.replaced ? 'updated' : 'added'} in ${path}${r.current ? ' (current context)' : ' (use: kubectl --context skiff …)'}`);
    } catch (err) {
      say(`could not merge into ~/.kube/config: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let kubelet: { stop(opts?: { killPods?: boolean }): Promise<void> } | undefined;
  let kubeletClient: RestClient | undefined;
  try {
    const { startKubelet } = await import('../kubelet/index.js');
    const { clientFromKubeconfig } = await import('../client/rest-client.js');
    // The local node uses the admin credentials: it lives in the server's own process.
    const client = clientFromKubeconfig({ path: server.kubeconfigPath, userAgent: `skiff-kubelet/${opts.nodeName}` });
    kubeletClient = client;
    // With cri, containerd's CNI config gives pods their network.
    const bridged = opts.podNetwork === 'bridge' && opts.runtime === 'process';
    say(`starting the local node "${opts.nodeName}" (runtime: ${opts.runtime}; pods ${opts.runtime === 'cri' ? `in containerd at ${opts.containerRuntimeEndpoint}` : bridged ? `in their own network namespaces on bridge ${opts.podBridge}, addresses from ${opts.clusterCidr}` : `on loopback addresses 127.${opts.clusterCidr.split('.')[1]}.y.z`})`);
    if (bridged && opts.serviceCidr.startsWith('127.')) say(`pods in their own network namespace cannot reach the loopback service range ${opts.serviceCidr} (ClusterIPs, cluster DNS); the host can`);
    // As k3s labels its server nodes: `kubectl get nodes` shows ROLES control-plane,master.
    kubelet = await startKubelet({ client, nodeName: opts.nodeName, labels: CONTROL_PLANE_LABELS, ...(opts.nodeIp ? { nodeIP: opts.nodeIp } : {}), dataDir: join(opts.dataDir, 'agent'), runtime: opts.runtime, containerRuntimeEndpoint: opts.containerRuntimeEndpoint, apiPort: opts.kubeletPort, clientCaPem: server.caPem, ...(dns ? { clusterDNS: [opts.clusterDns], clusterDomain: opts.clusterDomain } : {}), podLoopbackOctet: Number(opts.clusterCidr.split('.')[1]), ...(bridged ? { podNetwork: { podCidr: opts.clusterCidr, bridge: opts.podBridge } } : {}), leaseIntervalMs: (kubeletLeaseDurationSeconds(opts) * 1000) / 4, eviction: evictionSettings(opts), podManifestPath: podManifestPath(opts, opts.dataDir), containerLogs: containerLogSettings(opts) });
    say(`node "${opts.nodeName}" registered`);
  } catch (err) {
    kubeletClient?.close();
    await cp.stop().catch(() => {});
    held.release();
    return `local node: ${err instanceof Error ? err.message : String(err)}`;
  }
  let services: NodeServices;
  const k = kubelet;
  const kc = kubeletClient;
  try {
    // The same admin client as the local kubelet: proxy and DNS live in this process too.
    const warning = dns ? await ensureClusterDnsService(kc, opts.clusterDns) : undefined;
    if (warning) say(warning);
    const wildcard = opts.bindAddress === '0.0.0.0';
    services = await startNodeServices({
      client: kc,
      nodeName: opts.nodeName,
      proxyMode: opts.proxyMode,
      clusterDns: opts.clusterDns,
      clusterDomain: opts.clusterDomain,
      dnsUpstream: opts.dnsUpstream,
      dns,
      ...(node.ingress ? { ingress: ingressPorts(opts) } : {}),
      // NodePorts, LoadBalancers and the ingress are served where the API is; the ingress IP is the node's, as k3s ServiceLB writes it.
      ...(wildcard ? {} : { nodeAddress: opts.bindAddress }),
      loadBalancerIP: wildcard ? detectNodeIP() : opts.bindAddress,
      networkPolicy: networkPolicySetting({ disabled: opts.disableNetworkPolicy, ...(opts.podNetwork === 'bridge' ? { bridge: opts.podBridge } : {}), runtime: opts.runtime, nodeName: opts.nodeName, dataDir: join(opts.dataDir, 'agent') }),
      progress: say,
    });
  } catch (err) {
    await k.stop({ killPods: true }).catch(() => {});
    kc.close();
    await cp.stop().catch(() => {});
    held.release();
    return `proxy and DNS: ${err instanceof Error ? err.message : String(err)}`;
  }
  const kcfg = server.kubeconfigPath;
  const lb = opts.bindAddress === '0.0.0.0' ? 'localhost' : opts.bindAddress;
  say('ready. Next:');
  process.stdout.write(
    [
      `  kubectl --kubeconfig ${kcfg} get nodes`,
      `  kubectl --kubeconfig ${kcfg} create deployment web --image=node:20 --replicas=2 -- node -e 'require("http").createServer((q, s) => s.end(process.env.HOSTNAME + "\\n")).listen(8080, process.env.POD_IP)'`,
      `  kubectl --kubeconfig ${kcfg} expose deployment web --type=LoadBalancer --port=8000 --target-port=8080`,
      `  curl http://${lb}:8000                          # one of the pods answers${opts.proxyMode === 'none' ? ' (not with --proxy-mode none)' : ''}`,
      ...(services.ingressAddress
        ? [
            `  kubectl --kubeconfig ${kcfg} create ingress web --rule='/*=web:8000'`,
            `  curl http://${lb}${services.ingressAddress.port === 80 ? '' : `:${services.ingressAddress.port}`}/                            # the same, through the ingress controller`,
          ]
        : []),
      `  skiff sim --kubeconfig ${kcfg} --nodes 3     # more (simulated) nodes`,
      `  skiff token create --kubeconfig ${kcfg}        # then on another machine: skiff agent --server https://<this machine>:${server.port} --token <token> --data-dir <dir>`,
      `  Ctrl-C stops the cluster and leaves its pods running; \`skiff up --data-dir ${opts.dataDir}\` starts it again with its state and takes them back; \`skiff killall --data-dir ${opts.dataDir}\` stops them.`,
      '',
    ].join('\n'),
  );
  // Pods outlive the node's agent, as with k3s: a restart adopts them (skiff killall stops them).
  return stopOnSignal(
    'skiff up',
    async () => {
      try {
        await services.stop();
        await k.stop();
      } finally {
        kc.close();
        await cp.stop();
      }
    },
    held,
  );
}
