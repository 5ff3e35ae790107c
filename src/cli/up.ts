import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIPv4 } from 'node:net';
import { join, resolve } from 'node:path';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { mergeKubeconfig, defaultUserKubeconfig } from './kubeconfig-merge.js';
import { checkCidr, cidrContains, cidrFirstHost, cidrOverlap, collectList, parsePort } from './flag-parsers.js';
import { defaultDataDir } from './server.js';
import { addNodeLifecycleOptions, defaultTolerations, kubeletLeaseDurationSeconds, nodeLifecycleTimings, type NodeLifecycleFlags } from './node-lifecycle-flags.js';
import { parseDisable, startControlPlane, stopOnSignal, type EmbeddedComponent } from './control-plane.js';

interface UpOptions extends NodeLifecycleFlags {
  dataDir: string;
  port: number;
  bindAddress: string;
  clusterCidr: string;
  serviceCidr: string;
  clusterDns: string;
  runtime: 'process';
  nodeName: string;
  kubeletPort: number;
  kubeconfig: boolean;
  disable: string[];
}

function parseIp4(v: string): string {
  if (!isIPv4(v)) throw new InvalidArgumentError('must be an IPv4 address.');
  return v;
}


/** `skiff up`: a whole single-node cluster in one process (the quick start). */
export function registerUpCommand(program: Command): void {
  const cmd = program
    .command('up')
    .description('run a whole cluster in one process: API server, controllers, scheduler and a local node')
    .option('--data-dir <dir>', 'where cluster state, keys and admin.kubeconfig live (kept across restarts)', defaultDataDir())
    .option('--port <port>', 'HTTPS port of the API server (0 picks a free port)', parsePort, 6443)
    .option('--bind-address <ip>', 'address the API server listens on', parseIp4, '0.0.0.0')
    .option('--cluster-cidr <cidr>', 'pod IP range (checked against --service-cidr; the process runtime gives pods loopback IPs)', checkCidr, '10.42.0.0/16')
    .option('--service-cidr <cidr>', 'Service ClusterIP range', checkCidr, '10.43.0.0/16')
    .option('--cluster-dns <ip>', 'cluster DNS Service IP (checked to be inside --service-cidr; not yet passed to pods)', parseIp4, '10.43.0.10')
    .addOption(new Option('--runtime <kind>', 'how the local node runs containers').choices(['process']).default('process'))
    .option('--node-name <name>', 'name of the local node', hostname().toLowerCase())
    .option('--kubelet-port <port>', 'port of the local kubelet API (logs, exec; 0 picks a free port)', parsePort, 10250)
    .option('--no-kubeconfig', 'do not merge a "skiff" context into ~/.kube/config (admin.kubeconfig is written regardless)')
    .option('--disable <components>', 'in-process components not to run: controller-manager, scheduler (comma-separated)', collectList, []);
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
      let disable: Set<EmbeddedComponent>;
      try {
        disable = parseDisable(opts.disable);
      } catch (err) {
        cmd.error(`error: --disable: ${err instanceof Error ? err.message : String(err)}`);
      }
      const failure = await runUp({ ...opts, dataDir: resolve(opts.dataDir) }, disable);
      if (failure) {
        process.stderr.write(`error: ${failure}\n`);
        throw new CommanderError(1, 'skiff.up.failed', failure);
      }
    });
}

const say = (line: string): void => {
  process.stdout.write(`skiff up: ${line}\n`);
};

async function runUp(opts: UpOptions, disable: Set<EmbeddedComponent>): Promise<string | undefined> {
  const restart = existsSync(join(opts.dataDir, 'admin.kubeconfig'));
  say(`${restart ? 'restarting the cluster kept' : 'starting a new cluster'} in ${opts.dataDir}`);
  const { createResourceHandler } = await import('../apiserver/resources/index.js');
  let cp;
  try {
    cp = await startControlPlane({
      server: {
        dataDir: opts.dataDir,
        port: opts.port,
        bindAddress: opts.bindAddress,
        // The in-cluster `kubernetes` Service IP is the service range's first address.
        tlsSans: [cidrFirstHost(opts.serviceCidr)],
        datastore: { backend: 'sqlite', path: join(opts.dataDir, 'db', 'state.db') },
        createResources: (c) => createResourceHandler({ ...c, serviceCidr: opts.serviceCidr, defaultTolerations: defaultTolerations(opts) }),
      },
      disable,
      nodeLifecycle: nodeLifecycleTimings(opts),
      progress: say,
    });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const server = cp.server;
  say(`admin kubeconfig: ${server.kubeconfigPath}`);
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
  let kubeletClient: { close(): void } | undefined;
  try {
    const { startKubelet } = await import('../kubelet/index.js');
    const { clientFromKubeconfig } = await import('../client/rest-client.js');
    // The local node uses the admin credentials: it lives in the server's own process.
    const client = clientFromKubeconfig({ path: server.kubeconfigPath, userAgent: `skiff-kubelet/${opts.nodeName}` });
    kubeletClient = client;
    say(`starting the local node "${opts.nodeName}" (runtime: ${opts.runtime})`);
    kubelet = await startKubelet({ client, nodeName: opts.nodeName, dataDir: join(opts.dataDir, 'agent'), runtime: opts.runtime, apiPort: opts.kubeletPort, leaseIntervalMs: (kubeletLeaseDurationSeconds(opts) * 1000) / 4 });
    say(`node "${opts.nodeName}" registered`);
  } catch (err) {
    kubeletClient?.close();
    await cp.stop().catch(() => {});
    return `local node: ${err instanceof Error ? err.message : String(err)}`;
  }
  say('ready. Next:');
  process.stdout.write(
    [
      `  kubectl --kubeconfig ${server.kubeconfigPath} get nodes`,
      `  kubectl --kubeconfig ${server.kubeconfigPath} create deployment hello --image=busybox --replicas=2 -- sleep 3600`,
      `  skiff sim --kubeconfig ${server.kubeconfigPath} --nodes 3     # more (simulated) nodes`,
      `  (joining other machines as nodes is not available yet: \`skiff token\` makes join tokens, but the server does not accept them yet)`,
      `  Ctrl-C stops the cluster; \`skiff up --data-dir ${opts.dataDir}\` starts it again with its state.`,
      '',
    ].join('\n'),
  );
  // The node's pods are stopped with it: the process runtime's containers are our children.
  const k = kubelet;
  const kc = kubeletClient;
  return stopOnSignal('skiff up', async () => {
    try {
      await k.stop({ killPods: true });
    } finally {
      kc.close();
      await cp.stop();
    }
  });
}
