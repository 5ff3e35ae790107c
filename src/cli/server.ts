import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import type { StoreConfig } from '../storage/index.js';
import { encryptionFromFile, ensureGeneratedEncryptionConfig, type ValueTransformer } from '../storage/encryption/index.js';
import { createResourceHandler } from '../apiserver/resources/index.js';
import { checkCidr, cidrFirstHost, collectList, parsePort } from './flag-parsers.js';
import { addNodeLifecycleOptions, defaultTolerations, nodeLifecycleTimings, type NodeLifecycleFlags } from './node-lifecycle-flags.js';
import { holdSignalsDuringStart, parseDisable, serverIdentity, startControlPlane, stopOnSignal, type EmbeddedComponent } from './control-plane.js';
import { detectNodeIP } from '../kubelet/node-status.js';

/** `/var/lib/skiff` as root, else `~/.skiff` (DESIGN.md). */
export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/skiff' : join(homedir(), '.skiff');
}

function parseIp(v: string): string {
  if (!isIP(v)) throw new InvalidArgumentError('must be an IP address.');
  return v;
}

function parseEndpoints(v: string, prev: string[] = []): string[] {
  const list = collectList(v);
  for (const e of list) {
    let u: URL;
    try {
      u = new URL(e);
    } catch {
      throw new InvalidArgumentError(`"${e}" is not a URL (e.g. http://127.0.0.1:2379).`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError(`"${e}" must be http:// or https://.`);
  }
  return [...prev, ...list];
}

interface ServerOptions extends NodeLifecycleFlags {
  dataDir: string;
  port: number;
  bindAddress: string;
  advertiseAddress?: string;
  tlsSan: string[];
  datastore: 'sqlite' | 'etcd';
  etcdEndpoints: string[];
  etcdPrefix?: string;
  tokenAuthFile?: string;
  token?: string;
  tokenFile?: string;
  inProcess?: boolean;
  serviceCidr: string;
  serviceNodePortRange: readonly [number, number];
  disable: string[];
  disableAdmissionPlugins: string[];
  authorizationMode: 'AlwaysAllow' | 'RBAC';
  disableControllers?: boolean;
  disableScheduler?: boolean;
  encryptionProviderConfig?: string;
  secretsEncryption?: boolean;
}

/**
 * Admission plugins `--disable-admission-plugins` may turn off. ServiceAccount needs a
 * controller manager making each namespace's default account: an API server run alone
 * (tests, `--disable controller-manager` without a `skiff controller-manager`) turns it off.
 * PodSecurity is on by default, as in Kubernetes.
 */
const OPTIONAL_ADMISSION_PLUGINS = ['ServiceAccount', 'PodSecurity'];

/** `skiff server`: runs the API server until SIGTERM/SIGINT. */
export function registerServerCommand(program: Command): void {
  const cmd = program
    .command('server')
    .description('run the control plane API server (HTTPS, Kubernetes API)')
    .option('--data-dir <dir>', 'directory for the database, CA, keys, tokens and the admin kubeconfig', defaultDataDir())
    .option('--port <port>', 'HTTPS port to serve on (0 picks a free port)', parsePort, 6443)
    .option('--bind-address <ip>', 'address to listen on', parseIp, '0.0.0.0')
    .option('--advertise-address <ip>', 'address other machines reach this server at (added to the certificate)', parseIp)
    .option('--tls-san <names>', 'extra IPs or DNS names for the serving certificate (repeatable, comma-separated)', collectList, [])
    .addOption(new Option('--datastore <kind>', 'where cluster state is stored').choices(['sqlite', 'etcd']).default('sqlite'))
    .option('--etcd-endpoints <urls>', 'etcd client URLs, comma-separated (with --datastore etcd)', parseEndpoints, [])
    .option('--etcd-prefix <prefix>', 'key prefix in etcd, so several clusters can share one etcd')
    .option('--token <token>', 'shared secret of the cluster: with --datastore etcd, servers started with the same token share one CA, keys and admin credentials (sealed with it in the datastore)')
    .option('--token-file <file>', 'read --token from this file')
    .option('--token-auth-file <file>', 'static bearer tokens, CSV lines: token,user,uid,"group1,group2"')
    .option('--encryption-provider-config <file>', 'encrypt resources at rest: an apiserver.config.k8s.io/v1 EncryptionConfiguration (providers aescbc, aesgcm, identity; YAML or JSON)')
    .option('--secrets-encryption', 'encrypt Secrets at rest with an aescbc key generated on first start in <data-dir>/cred/encryption-config.json')
    .addOption(
      new Option('--authorization-mode <mode>', 'RBAC: as kube-apiserver\'s Node,RBAC (system:masters and nodes may do anything, others what their roles grant); AlwaysAllow: every authenticated request')
        .choices(['AlwaysAllow', 'RBAC'])
        .default('RBAC'),
    )
    .option('--service-cidr <cidr>', 'Service ClusterIP range', checkCidr, '10.43.0.0/16')
    .option('--service-node-port-range <from-to>', 'NodePort range', parsePortRange, [30000, 32767] as const)
    .option('--in-process', 'run the controller manager and the scheduler in this process (the default; kept for compatibility)')
    .option('--disable <components>', 'in-process components not to run: controller-manager, scheduler (comma-separated, repeatable)', collectList, [])
    .option('--disable-controllers', 'do not run the controller manager in-process (run `skiff controller-manager` instead)')
    .option('--disable-admission-plugins <names>', `admission plugins to turn off: ${OPTIONAL_ADMISSION_PLUGINS.join(', ')} (comma-separated, repeatable)`, collectList, [])
    .option('--disable-scheduler', 'do not run the scheduler in-process (run `skiff scheduler` instead)');
  addNodeLifecycleOptions(cmd, { admission: true })
    .addHelpText(
      'after',
      `
Examples:
  skiff server                                   # data in ${defaultDataDir()}, port 6443, SQLite
  skiff server --data-dir /tmp/c1 --port 7443    # a second cluster beside the first
  skiff server --datastore etcd --etcd-endpoints http://127.0.0.1:2379 --etcd-prefix /c1
  skiff server --datastore etcd --etcd-endpoints http://10.0.0.5:2379 --token T   # on every server of an HA control plane
  skiff server --advertise-address 192.0.2.10 --tls-san api.example.com
  skiff server --secrets-encryption              # Secrets encrypted at rest (AES-CBC, key in <data-dir>/cred/)
  skiff server --disable scheduler               # …with a standalone \`skiff scheduler\` instead
  skiff server --disable controller-manager,scheduler   # the API server alone

Then: kubectl --kubeconfig <data-dir>/admin.kubeconfig get nodes`,
    )
    .action(async (opts: ServerOptions, cmd: Command) => {
      if (opts.datastore === 'etcd' && opts.etcdEndpoints.length === 0) cmd.error('error: --datastore etcd needs --etcd-endpoints');
      if (opts.datastore !== 'etcd' && (opts.etcdEndpoints.length > 0 || opts.etcdPrefix)) {
        cmd.error('error: --etcd-endpoints and --etcd-prefix need --datastore etcd');
      }
      if (opts.tokenAuthFile && !existsSync(opts.tokenAuthFile)) cmd.error(`error: --token-auth-file ${opts.tokenAuthFile}: no such file`);
      const clusterToken = readClusterToken(opts, cmd);
      let disable: Set<EmbeddedComponent>;
      try {
        // The controller manager and the scheduler run in-process unless disabled (as k3s does).
        disable = parseDisable([...opts.disable, ...(opts.disableControllers ? ['controller-manager'] : []), ...(opts.disableScheduler ? ['scheduler'] : [])]);
      } catch (err) {
        cmd.error(`error: --disable: ${err instanceof Error ? err.message : String(err)}`);
      }
      const unknownPlugin = opts.disableAdmissionPlugins.find((p) => !OPTIONAL_ADMISSION_PLUGINS.includes(p));
      if (unknownPlugin) cmd.error(`error: --disable-admission-plugins: "${unknownPlugin}" is not one that can be turned off (${OPTIONAL_ADMISSION_PLUGINS.join(', ')})`);
      const dataDir = resolve(opts.dataDir);
      const encryption = encryptionAtRest(opts, dataDir, cmd);
      const datastore: StoreConfig =
        opts.datastore === 'etcd'
          ? { backend: 'etcd', endpoints: opts.etcdEndpoints, ...(opts.etcdPrefix ? { prefix: opts.etcdPrefix } : {}), ...encryption }
          : { backend: 'sqlite', path: join(dataDir, 'db', 'state.db'), ...encryption };
      const failure = await runServer({ ...opts, dataDir, storeConfig: datastore, ...(clusterToken ? { clusterToken } : {}) }, disable);
      if (failure) {
        // One line, without the usage hint (this is no usage error); main() returns the code.
        process.stderr.write(`error: ${failure}\n`);
        throw new CommanderError(1, 'skiff.server.failed', failure);
      }
    });
}

/** Serves until SIGTERM/SIGINT; resolves with an error message when start or shutdown failed. */
async function runServer(opts: ServerOptions & { storeConfig: StoreConfig; clusterToken?: string }, disable: Set<EmbeddedComponent>): Promise<string | undefined> {
  let cp;
  const held = holdSignalsDuringStart();
  try {
    cp = await startControlPlane({
      server: {
        dataDir: opts.dataDir,
        port: opts.port,
        bindAddress: opts.bindAddress,
        ...(opts.advertiseAddress ? { advertiseAddress: opts.advertiseAddress } : {}),
        datastore: opts.storeConfig,
        ...(opts.tokenAuthFile ? { tokenAuthFile: opts.tokenAuthFile } : {}),
        ...(opts.clusterToken ? { clusterToken: opts.clusterToken } : {}),
        authorizationMode: opts.authorizationMode,
        tlsSans: [...opts.tlsSan, cidrFirstHost(opts.serviceCidr)],
        createResources: (c) => createResourceHandler({ ...c, serviceCidr: opts.serviceCidr, nodePortRange: opts.serviceNodePortRange, defaultTolerations: defaultTolerations(opts), serviceAccounts: !opts.disableAdmissionPlugins.includes('ServiceAccount'), podSecurity: !opts.disableAdmissionPlugins.includes('PodSecurity') }),
      },
      disable,
      nodeLifecycle: nodeLifecycleTimings(opts),
      kubernetesService: { clusterIP: cidrFirstHost(opts.serviceCidr), endpointIP: opts.advertiseAddress ?? serverAddressOf(opts.bindAddress) },
      // On etcd other servers may join: elect the components, list every server in the endpoints.
      ...(opts.storeConfig.backend === 'etcd' ? { ha: { identity: serverIdentity(opts.dataDir) } } : {}),
      progress: (line) => process.stdout.write(`skiff server: ${line}\n`),
    });
  } catch (err) {
    held.release();
    return err instanceof Error ? err.message : String(err);
  }
  process.stdout.write(`skiff server: serving on ${cp.server.url}\nskiff server: kubeconfig written to ${cp.server.kubeconfigPath}\n`);
  process.stdout.write(`skiff server: dashboard at ${cp.server.url}/dashboard/ (sign in with the token in ${join(opts.dataDir, 'admin.token')})\n`);
  return stopOnSignal('skiff server', () => cp.stop(), held);
}

/** The address this machine's API server is reached at: the bind address, or the node's IP for a wildcard one. */
export function serverAddressOf(bindAddress: string): string {
  return bindAddress === '0.0.0.0' || bindAddress === '::' ? detectNodeIP() : bindAddress;
}

/** `--token` or the first line of `--token-file`; only meaningful with etcd (a SQLite store has one server). */
function readClusterToken(opts: ServerOptions, cmd: Command): string | undefined {
  if (opts.token !== undefined && opts.tokenFile !== undefined) cmd.error('error: --token and --token-file are mutually exclusive');
  let token = opts.token;
  if (opts.tokenFile !== undefined) {
    try {
      token = readFileSync(opts.tokenFile, 'utf8').split(/\r?\n/)[0];
    } catch (err) {
      cmd.error(`error: --token-file ${opts.tokenFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)}`);
    }
  }
  if (token === undefined) return undefined;
  token = token.trim();
  if (token === '') cmd.error('error: --token must not be empty');
  if (opts.datastore !== 'etcd') cmd.error('error: --token needs --datastore etcd (it shares the cluster\'s keys between servers through the datastore)');
  return token;
}

/**
 * `--encryption-provider-config FILE`, or k3s's `--secrets-encryption` (a generated
 * `<data-dir>/cred/encryption-config.json`, created on first start), as the store's
 * `encryption` option; nothing when neither is given. A bad file is a usage error.
 */
export function encryptionAtRest(opts: { encryptionProviderConfig?: string; secretsEncryption?: boolean }, dataDir: string, cmd: Command): { encryption?: ValueTransformer } {
  if (opts.encryptionProviderConfig !== undefined && opts.secretsEncryption) cmd.error('error: --encryption-provider-config and --secrets-encryption are mutually exclusive');
  let file = opts.encryptionProviderConfig;
  if (opts.secretsEncryption) {
    file = join(dataDir, 'cred', 'encryption-config.json');
    ensureGeneratedEncryptionConfig(file);
  }
  if (file === undefined) return {};
  try {
    return { encryption: encryptionFromFile(file) };
  } catch (err) {
    cmd.error(`error: --encryption-provider-config ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** '30000-32767' → [30000, 32767]. */
function parsePortRange(v: string): readonly [number, number] {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(v.trim());
  const from = Number(m?.[1]);
  const to = Number(m?.[2]);
  if (!m || from < 1 || to > 65535 || from > to) throw new InvalidArgumentError('must be a port range like 30000-32767.');
  return [from, to];
}
