/**
 * The newcomer test: runs README.md's "A first tour" exactly as written — read at run
 * time, line by line through `sh -c`, with the real kubectl — against what `npm start`
 * runs (in a temp data dir, on a free port, with the test's own CIDRs), and checks what
 * each line promises. A tour line the step table does not know fails the test, so the
 * README and this test cannot drift apart silently.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { kubectl, kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { classifyLine, claimedCount, extractTour, type TourLine, type TourStep } from './support/readme-tour.js';
import { PodProcessTracker, readProc } from './support/pod-processes.js';
import { readStartScript, startTourCluster, upFlags, type StartScript, type TourCluster } from './support/tour-cluster.js';
import { runSkiff } from './support/run-skiff.js';

// Generous: on a loaded 2-core CI machine two `node` pods can take many seconds to start.
const DEADLINE_MS = 90_000;
// Another README (e.g. a draft of the tour) can be tried with SKIFF_TOUR_README=path.
const README = process.env.SKIFF_TOUR_README || join(REPO_ROOT, 'README.md');
// DESIGN.md: tests never use 10/8. Loopback services (the proxy can bind them unprivileged).
const NETS = { clusterCidr: '198.18.0.0/16', serviceCidr: '127.43.0.0/16', clusterDns: '127.43.0.10' };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface Container {
  name: string;
  image: string;
}
interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { containers: Container[] };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }> };
}
interface Deployment {
  metadata: { generation?: number };
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> }; template: { spec: { containers: Container[] } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}
interface Service {
  spec: { type?: string; clusterIP?: string; selector?: Record<string, string>; ports: Array<{ port: number; targetPort?: number | string }> };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } };
}
interface Endpoints {
  subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }>;
}

/** Everything one tour run knows: where it runs, and what the tour has asked for so far. */
interface Ctx {
  cwd: string;
  upHome: string;
  dataDir: string;
  cacheDir: string;
  start: StartScript;
  env: NodeJS.ProcessEnv;
  cluster?: TourCluster;
  tracker?: PodProcessTracker;
  /** Desired replicas and template revisions (container → image), oldest first. */
  deployments: Map<string, { replicas: number; revisions: Array<Record<string, string>> }>;
  /** Exposed services → their deployment. */
  services: Map<string, string>;
  /** Host ports the tour's LoadBalancer services took. */
  lbPorts: number[];
}

/** Runs one tour line as written (sh -c), killing its process group after timeoutMs. */
function sh(line: string, ctx: Ctx, timeoutMs = 45_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn('sh', ['-c', line], { cwd: ctx.cwd, env: ctx.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    c.on('error', (err) => (clearTimeout(timer), reject(err)));
    c.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/** The test's own look at the cluster (real kubectl, admin kubeconfig), as JSON. */
async function get<T>(ctx: Ctx, args: string[]): Promise<T> {
  const r = await kubectl([...args, '-o', 'json'], { kubeconfig: join(ctx.dataDir, 'admin.kubeconfig'), cacheDir: ctx.cacheDir });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

/** kubectl's table output as rows keyed by column header ("NOMINATED NODE" included). */
function parseTable(out: string): Array<Record<string, string>> {
  const [header, ...rows] = out.split('\n').filter((l) => l.trim() !== '');
  if (!header) return [];
  const cols = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], start: m.index }));
  return rows.map((l) => Object.fromEntries(cols.map((c, i) => [c.name, l.slice(c.start, cols[i + 1]?.start ?? l.length).trim()])));
}

const imagesOf = (cs: Container[]): Record<string, string> => Object.fromEntries(cs.map((c) => [c.name, c.image]));
const active = (pods: Pod[]): Pod[] => pods.filter((p) => !p.metadata.deletionTimestamp);

async function podsOf(ctx: Ctx, d: Deployment): Promise<Pod[]> {
  const sel = Object.entries(d.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  if (!sel.length) throw new Error('deployment has no matchLabels');
  return (await get<{ items: Pod[] }>(ctx, ['get', 'pods', '-l', sel.join(',')])).items;
}

function want(ctx: Ctx, name: string): { replicas: number; revisions: Array<Record<string, string>> } {
  const d = ctx.deployments.get(name);
  if (!d) throw new Error(`the tour uses deployment "${name}" before creating it`);
  return d;
}

/**
 * Waits until deployment `name` is what the tour asked for: rolled out, exactly the wanted
 * replicas Running and Ready with the current images, each with its own 127.x IP that a
 * live host process of this skiff up holds. Returns those pods.
 */
function settled(ctx: Ctx, name: string): Promise<Pod[]> {
  const w = want(ctx, name);
  const images = w.revisions.at(-1) ?? {};
  return waitFor(
    `deployment ${name} to settle at ${w.replicas} Running pods with ${JSON.stringify(images)}`,
    async () => {
      const d = await get<Deployment>(ctx, ['get', 'deployment', name]);
      assert.deepEqual(imagesOf(d.spec.template.spec.containers), images, 'template images');
      assert.equal(d.spec.replicas, w.replicas, 'spec.replicas');
      const s = d.status ?? {};
      const done = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.replicas === w.replicas && s.updatedReplicas === w.replicas && s.availableReplicas === w.replicas;
      if (!done) throw new Error(`rollout not complete: ${JSON.stringify(s)}`);
      const pods = active(await podsOf(ctx, d));
      const show = pods.map((p) => `${p.metadata.name}:${p.status?.phase}:${p.status?.podIP ?? '-'}`).join(' ');
      if (pods.length !== w.replicas) throw new Error(`${pods.length} pods: ${show}`);
      for (const p of pods) {
        const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (p.status?.phase !== 'Running' || !ready) throw new Error(`not Running and Ready: ${show}`);
        assert.deepEqual(imagesOf(p.spec.containers), images, `${p.metadata.name}'s images`);
      }
      const ips = pods.map((p) => p.status?.podIP ?? '');
      assert.ok(ips.every((ip) => /^127\.\d+\.\d+\.\d+$/.test(ip)) && new Set(ips).size === ips.length, `each pod its own 127.x IP: ${show}`);
      for (const ip of ips) if (!ctx.tracker?.withPodIp(ip).length) throw new Error(`no host process of this skiff up has POD_IP=${ip}`);
      return pods;
    },
    DEADLINE_MS,
    100,
  );
}

/** Pods of every deployment the tour created, once settled. */
async function allPods(ctx: Ctx): Promise<Pod[]> {
  const out: Pod[] = [];
  for (const name of ctx.deployments.keys()) out.push(...(await settled(ctx, name)));
  return out;
}

/** Read-only steps: rerunning their line is harmless, so the line is polled until they hold. */
const READ_ONLY = new Set<TourStep['kind']>(['get-nodes', 'get-pods', 'get-services', 'rollout-status', 'curl']);

/** Checks one read-only step against one run of its line; throws when it does not hold (yet). */
async function checkReadOnly(ctx: Ctx, line: TourLine, step: TourStep, r: Run): Promise<void> {
  assert.equal(r.code, 0, `exit code; stderr: ${r.stderr}`);
  const rows = parseTable(r.stdout);
  if (step.kind === 'get-nodes') {
    assert.equal(rows.length, claimedCount(line.comment, 'node') ?? 1, `node count:\n${r.stdout}`);
    for (const n of rows) assert.equal(n.STATUS, 'Ready', `node ${n.NAME}:\n${r.stdout}`);
  } else if (step.kind === 'get-pods') {
    const pods = await allPods(ctx);
    const claimed = claimedCount(line.comment, 'pod');
    if (claimed !== undefined) assert.equal(pods.length, claimed, `the comment promises ${claimed} pods, the tour asked for ${pods.length}`);
    for (const p of pods) {
      const row = rows.find((x) => x.NAME === p.metadata.name);
      assert.ok(row, `${p.metadata.name} is not listed:\n${r.stdout}`);
      assert.equal(row.STATUS, 'Running', r.stdout);
      if ('IP' in row) assert.equal(row.IP, p.status?.podIP, r.stdout);
    }
  } else if (step.kind === 'get-services') {
    for (const name of step.name ? [step.name] : ctx.services.keys()) {
      const row = rows.find((x) => x.NAME === name);
      assert.ok(row, `service ${name} not listed:\n${r.stdout}`);
      const svc = await get<Service>(ctx, ['get', 'service', name]);
      assert.ok(svc.spec.clusterIP?.startsWith(NETS.serviceCidr.split('.').slice(0, 2).join('.') + '.'), `ClusterIP ${svc.spec.clusterIP} outside ${NETS.serviceCidr}`);
      assert.equal(row['CLUSTER-IP'], svc.spec.clusterIP, r.stdout);
      if (svc.spec.type === 'LoadBalancer') {
        // The ingress IP is this machine's: the address skiff up serves on (the test binds loopback).
        const ingress = svc.status?.loadBalancer?.ingress?.[0]?.ip;
        assert.ok(ingress && (ingress.startsWith('127.') || localAddresses().has(ingress)), `LoadBalancer ingress ${ingress} is not this machine`);
        assert.equal(row['EXTERNAL-IP'], ingress, r.stdout);
      }
    }
  } else if (step.kind === 'rollout-status') {
    await settled(ctx, step.name);
  } else if (step.kind === 'curl') {
    const names = new Set<string>();
    for (const dep of new Set(ctx.services.values())) for (const p of await settled(ctx, dep)) names.add(p.metadata.name);
    assert.ok(names.size > 0, 'curl before any service was exposed');
    assert.ok(names.has(r.stdout.trim()), `curl answered ${JSON.stringify(r.stdout.slice(0, 200))}, not a pod of ${[...names].join(', ')}`);
  }
}

/** Runs a line that changes the cluster once, then waits for each of its steps to take effect. */
async function runMutating(ctx: Ctx, line: TourLine): Promise<void> {
  let text = line.text;
  let victim: { name: string; pids: Array<{ pid: number; start: number }>; before: string[] } | undefined;
  for (const step of line.steps) {
    if (step.kind === 'delete-pod') {
      const first = [...ctx.deployments.keys()][0];
      if (!first) throw new Error('the tour deletes a pod before creating a deployment');
      const pods = await settled(ctx, first);
      const pod = step.placeholder ? pods[0] : pods.find((p) => p.metadata.name === step.pod);
      assert.ok(pod, `pod ${step.pod} is not one of ${first}'s pods`);
      if (step.placeholder) text = text.replace(step.pod, pod.metadata.name);
      victim = { name: pod.metadata.name, pids: ctx.tracker?.withPodIp(pod.status?.podIP ?? '') ?? [], before: pods.map((p) => p.metadata.name) };
      assert.ok(victim.pids.length > 0, `no host process for ${victim.name}`);
    } else if (step.kind === 'expose' && step.type === 'LoadBalancer') {
      // The tour then reaches the service on localhost:<port>: someone else holding it would void the check.
      assert.equal(await listening(step.port), false, `localhost:${step.port} is already taken on this machine; the tour's LoadBalancer needs it`);
      ctx.lbPorts.push(step.port);
    } else if (step.kind === 'set-image') {
      want(ctx, step.name);
    }
  }
  const r = await sh(text, ctx);
  assert.equal(r.code, 0, `exit code of: ${text}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  for (const step of line.steps) {
    if (step.kind === 'create-deployment') {
      const d = await get<Deployment>(ctx, ['get', 'deployment', step.name]);
      const images = imagesOf(d.spec.template.spec.containers);
      assert.ok(Object.values(images).includes(step.image), `--image=${step.image} not in the template: ${JSON.stringify(images)}`);
      ctx.deployments.set(step.name, { replicas: step.replicas, revisions: [images] });
      await settled(ctx, step.name);
    } else if (step.kind === 'scale') {
      want(ctx, step.name).replicas = step.replicas;
      await settled(ctx, step.name);
    } else if (step.kind === 'set-image') {
      const w = want(ctx, step.name);
      w.revisions.push({ ...w.revisions.at(-1), ...step.images });
      await settled(ctx, step.name);
    } else if (step.kind === 'rollout-undo') {
      // Undo goes back to the previous revision, which then becomes the newest.
      const w = want(ctx, step.name);
      const prev = w.revisions.splice(-2, 1)[0];
      assert.ok(prev, `nothing to undo for ${step.name}`);
      w.revisions.push(prev);
      await settled(ctx, step.name);
    } else if (step.kind === 'delete-pod' && victim) {
      const v = victim;
      await waitFor(`pod ${v.name} to be gone`, async () => {
        const g = await kubectl(['get', 'pod', v.name], { kubeconfig: join(ctx.dataDir, 'admin.kubeconfig'), cacheDir: ctx.cacheDir });
        return g.code !== 0 && /NotFound/.test(g.stderr) ? true : undefined;
      }, DEADLINE_MS, 100);
      const pods = await settled(ctx, [...ctx.deployments.keys()][0] as string);
      assert.ok(!pods.some((p) => p.metadata.name === v.name), `${v.name} still listed`);
      assert.ok(pods.some((p) => !v.before.includes(p.metadata.name)), 'the ReplicaSet made no replacement pod');
      await waitFor(`${v.name}'s host process to exit`, async () => (v.pids.every((p) => readProc(p.pid)?.start !== p.start) ? true : undefined), DEADLINE_MS, 100);
    } else if (step.kind === 'expose') {
      ctx.services.set(step.service, step.deployment);
      await exposed(ctx, step);
    } else if (step.kind === 'create-ingress') {
      await ingressServed(ctx, step);
    } else if (READ_ONLY.has(step.kind)) {
      await checkReadOnly(ctx, line, step, r);
    } else throw new Error(`no check for ${step.kind} in a changing line`);
  }
}

/** The service exists as asked, and its endpoints are exactly the deployment's pod IPs. */
async function exposed(ctx: Ctx, step: Extract<TourStep, { kind: 'expose' }>): Promise<void> {
  await waitFor(`service ${step.service} with the pods of ${step.deployment} as endpoints`, async () => {
    const svc = await get<Service>(ctx, ['get', 'service', step.service]);
    assert.equal(svc.spec.type, step.type);
    assert.equal(svc.spec.ports[0]?.port, step.port);
    assert.equal(Number(svc.spec.ports[0]?.targetPort), step.targetPort);
    const ips = (await settled(ctx, step.deployment)).map((p) => p.status?.podIP).sort();
    const ep = await get<Endpoints>(ctx, ['get', 'endpoints', step.service]);
    const got = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    assert.deepEqual(got, ips, 'endpoint addresses');
    assert.ok((ep.subsets ?? []).every((s) => s.ports?.some((p) => p.port === step.targetPort)), `endpoint ports: ${JSON.stringify(ep.subsets)}`);
    return true;
  }, DEADLINE_MS, 100);
}

/**
 * The Ingress routes to a service the tour exposed, skiff up's own ingress controller
 * serves it (the tour then curls localhost on its port), and its status has the node's address.
 */
async function ingressServed(ctx: Ctx, step: Extract<TourStep, { kind: 'create-ingress' }>): Promise<void> {
  const backend = /=([a-z0-9-]+):\d+$/.exec(step.rule)?.[1];
  assert.ok(backend && ctx.services.has(backend), `--rule=${step.rule} names no service the tour exposed (${[...ctx.services.keys()].join(', ')})`);
  assert.match(ctx.cluster?.output() ?? '', /skiff up: ingress controller on 127\.0\.0\.1:(80|8080)\b/, 'skiff up serves no ingress on localhost');
  await waitFor(`ingress ${step.name} to get the node's address`, async () => {
    const ing = await get<{ status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } } }>(ctx, ['get', 'ingress', step.name]);
    return ing.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1' ? true : undefined;
  }, DEADLINE_MS, 100);
}

/** `curl http://localhost/` reaches the ingress on port 80, which without root is 8080 (as the README's comment says). */
function ingressPortFixed(ctx: Ctx, text: string): string {
  const port = /skiff up: ingress controller on 127\.0\.0\.1:(\d+)/.exec(ctx.cluster?.output() ?? '')?.[1];
  return port && port !== '80' ? text.replace('http://localhost/', `http://localhost:${port}/`) : text;
}

const localAddresses = (): Set<string> => new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));

/** Whether something accepts TCP connections on localhost:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

async function runLine(ctx: Ctx, line: TourLine): Promise<void> {
  const [first] = line.steps;
  if (first?.kind === 'start') {
    assert.equal(ctx.cluster, undefined, 'the tour starts the cluster twice');
    const flags = await upFlags();
    for (const a of ctx.start.args) if (a.startsWith('--')) assert.ok(flags.has(a.split('=')[0] as string), `npm start passes ${a}, which skiff up --help does not list`);
    ctx.cluster = await startTourCluster({ start: ctx.start, dataDir: ctx.dataDir, home: ctx.upHome, flags, ...NETS });
    ctx.tracker = new PodProcessTracker(ctx.cluster.pid);
  } else if (first?.kind === 'kubeconfig') {
    assert.equal(line.steps.length, 1, `README tour line not covered by the newcomer test: ${line.text}  (export joined with other commands)`);
    // The reader's $PWD is the repo, where `npm start` keeps its state in the script's --data-dir.
    const rel = first.path.replace(/^(\$PWD|\$\{PWD\})\//, '');
    assert.equal(posix.normalize(rel), posix.join(posix.normalize(ctx.start.dataDir), 'admin.kubeconfig'), `KUBECONFIG must be npm start's ${ctx.start.dataDir}/admin.kubeconfig`);
    ctx.env = { ...ctx.env, KUBECONFIG: join(ctx.dataDir, 'admin.kubeconfig') };
  } else if (line.steps.every((s) => READ_ONLY.has(s.kind))) {
    let last: Run | undefined;
    await waitFor(`"${line.text}" to show what it promises`, async () => {
      last = await sh(ingressPortFixed(ctx, line.text), ctx);
      for (const s of line.steps) await checkReadOnly(ctx, line, s, last);
      return true;
    }, DEADLINE_MS, 200).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nlast stdout: ${last?.stdout}\nlast stderr: ${last?.stderr}`);
    });
  } else await runMutating(ctx, line);
}

describe('README first tour (the newcomer test)', { skip: kubectlMissing() }, () => {
  const dirs: string[] = [];
  const temp = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  let ctx: Ctx | undefined;
  after(async () => {
    ctx?.tracker?.sample();
    await ctx?.cluster?.stop();
    ctx?.tracker?.stopSampling();
    ctx?.tracker?.killAlive();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs every tour line as written and each does what the README says', { timeout: 180_000 }, async (t) => {
    const tour = extractTour(readFileSync(README, 'utf8')).map(classifyLine);
    assert.equal(tour[0]?.steps[0]?.kind, 'start', 'the tour starts the cluster first');
    const root = temp('skiff-tour-');
    const home = join(root, 'home');
    const c: Ctx = {
      cwd: root,
      upHome: temp('skiff-tour-up-home-'),
      dataDir: join(root, 'data'),
      cacheDir: join(root, 'kube-cache'),
      start: readStartScript(),
      // HOME and KUBECACHEDIR in the temp dir: kubectl never touches the real ~/.kube.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECACHEDIR: join(root, 'kube-cache') },
      deployments: new Map(),
      services: new Map(),
      lbPorts: [],
    };
    ctx = c;
    for (const line of tour) {
      const t0 = Date.now();
      try {
        await runLine(c, line);
        t.diagnostic(`${String(Date.now() - t0).padStart(6)} ms  ${line.text}`);
      } catch (err) {
        const tail = c.cluster?.output().split('\n').filter((l) => !l.includes('"msg":"request"')).slice(-40).join('\n');
        throw new Error(`tour line failed: ${line.text}\n${err instanceof Error ? err.message : String(err)}\n--- skiff up (last lines) ---\n${tail ?? ''}`, { cause: err });
      }
    }
    assert.ok(c.cluster && c.tracker, 'the tour never started the cluster');
    assert.ok(c.tracker.seen() > 0, 'no pod ever ran as a host process of skiff up');
    // Stopping `npm start` (Ctrl-C / SIGTERM) ends cleanly; as with k3s the pods keep
    // running for the next start to adopt, and `skiff killall` stops them.
    assert.deepEqual(await c.cluster.stop(), { code: 0, signal: null }, c.cluster.output().slice(-2000));
    assert.match(c.cluster.output(), /skiff up: SIGTERM, shutting down/);
    c.tracker.stopSampling();
    assert.ok(c.tracker.alive().length > 0, 'the pods keep running after skiff up stops');
    const killall = await runSkiff(['killall', '--data-dir', c.dataDir]);
    assert.equal(killall.code, 0, killall.out + killall.err);
    const left = await waitFor('pod processes to exit after skiff killall', async () => (c.tracker?.alive().length === 0 ? [] : undefined), 5_000).catch(() => c.tracker?.killAlive() ?? []);
    assert.deepEqual(left, [], 'pod processes outlived skiff killall (killed now)');
    for (const port of c.lbPorts) assert.equal(await listening(port), false, `localhost:${port} still answers after skiff up stopped`);
    if (c.start.args.includes('--no-kubeconfig')) assert.equal(existsSync(join(c.upHome, '.kube')), false, 'npm start passes --no-kubeconfig: ~/.kube must stay untouched');
  });
});
