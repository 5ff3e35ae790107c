/**
 * The dashboard end to end: a real `skiff server` with its controllers and scheduler, a
 * process-runtime node whose taint keeps most pods Pending, Debian's Chromium driven by
 * playwright-core, and the real kubectl making and checking changes. Every wait is a
 * condition with a deadline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { bearerProtocol } from '../../src/apiserver/authn/websocket-protocol.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { silentLogger } from '../../src/client/logger.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';
import { kubectlFor, kubectlMissing, startTestServer, waitFor, type TestServer } from './support/index.js';

const CHROMIUM = '/usr/bin/chromium';

function chromiumMissing(): string | false {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return false;
  } catch {
    return `${CHROMIUM} is not installed (apt-get install chromium)`;
  }
}

/** The frames of one WebSocket exec, by channel, and how it ended. */
interface ExecResult {
  status?: number;
  protocol?: string;
  out?: string;
  exitStatus?: Record<string, any>;
}

/** Runs a command over a WebSocket exec whose only credential is the bearer subprotocol. */
function wsExec(server: TestServer, path: string, token: string): Promise<ExecResult> {
  const url = `${server.url.replace(/^https/, 'wss')}${path}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io', bearerProtocol(token)], { rejectUnauthorized: false });
    const result: ExecResult = { out: '' };
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('exec timed out'))), 30_000);
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    ws.once('open', () => (result.protocol = ws.protocol));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) result.out += data.subarray(1).toString('utf8');
      if (data[0] === 3) result.exitStatus = JSON.parse(data.subarray(1).toString('utf8'));
    });
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(result);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const UI_TIMEOUT_MS = 30_000;
/** A process-runtime node; its taint keeps the Deployments' pods Pending (unscheduled). */
const NODE = 'dashboard-e2e-node';
const TAINT = { key: 'skiff.dev/dashboard-e2e', value: 'logs', effect: 'NoSchedule' as const };

describe('dashboard in a browser', { skip: chromiumMissing() || kubectlMissing(), timeout: 200_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let k: ReturnType<typeof kubectlFor>;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let kubeletDir: string;
  // Content-Security-Policy violations (Chromium reports them on the console) and uncaught errors.
  const problems: string[] = [];

  const kk = async (args: string[]): Promise<string> => {
    const r = await k(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const nav = async (name: string): Promise<void> => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) }).waitFor({ timeout: UI_TIMEOUT_MS });
  };

  /**
   * page.goto, again after net::ERR_NETWORK_CHANGED: Chromium aborts loads when the
   * machine's interfaces change, which other suites running beside this one do.
   */
  const open = async (url: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await page.goto(url);
        return;
      } catch (err) {
        if (attempt >= 5 || !/ERR_NETWORK_CHANGED/.test(String(err))) throw err;
      }
    }
  };

  before(async () => {
    server = await startTestServer({ components: true });
    k = kubectlFor(server);
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    kubeletDir = mkdtempSync(join(tmpdir(), 'skiff-dashboard-kubelet-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir: kubeletDir, logger: silentLogger, nodeIP: '127.0.0.1', apiPort: 0, taints: [TAINT] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
  });
  after(async () => {
    await browser?.close();
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (kubeletDir) rmSync(kubeletDir, { recursive: true, force: true });
  });

  it('a bad token is refused with a clear message', async () => {
    await open(`${server.url}/dashboard`);
    assert.ok(page.url().endsWith('/dashboard/'), page.url());
    await page.getByLabel('Bearer token').fill('not-a-valid-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /rejected \(401 Unauthorized\)/);
  });

  it('the admin token signs in', async () => {
    await page.getByLabel('Bearer token').fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as admin').waitFor();
    // (Expressions as strings: this file is compiled without the DOM's types.)
    assert.equal(await page.evaluate("sessionStorage.getItem('skiff-dashboard-token')"), server.adminToken);
    // Marks this document: a reload would lose it, so later checks prove updates came live.
    await page.evaluate('window.noReloadMarker = true');
  });

  it('a deployment created with kubectl appears without reload', async () => {
    await nav('Deployments');
    await page.getByRole('cell', { name: 'No deployments.' }).waitFor();
    await kk(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=1']);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'web', exact: true }) });
    await row.waitFor();
    await row.getByRole('cell', { name: '0/1', exact: true }).waitFor();
    assert.equal(await page.evaluate('window.noReloadMarker'), true);
  });

  it('scale + changes the replicas kubectl sees, and the table follows', async () => {
    await page.getByRole('button', { name: 'Scale up default/web' }).click();
    await waitFor('spec.replicas 2', async () =>
      (await kk(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim() === '2' ? true : undefined,
    UI_TIMEOUT_MS);
    await page.getByRole('row').filter({ hasText: 'web' }).getByRole('cell', { name: '0/2', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Scale down default/web' }).click();
    await waitFor('spec.replicas 1', async () =>
      (await kk(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim() === '1' ? true : undefined,
    UI_TIMEOUT_MS);
  });

  it('restart sets the annotation kubectl rollout restart sets', async () => {
    await page.getByRole('button', { name: 'Restart default/web' }).click();
    const at = await waitFor('restartedAt', async () => {
      const v = (await kk(['get', 'deploy', 'web', '-o', "jsonpath={.spec.template.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}"])).trim();
      return v === '' ? undefined : v;
    }, UI_TIMEOUT_MS);
    assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('the detail view shows the whole object', async () => {
    await page.getByRole('link', { name: 'web', exact: true }).click();
    const pre = page.getByLabel('Object /apis/apps/v1/namespaces/default/deployments/web');
    await pre.getByText('"kind": "Deployment"').waitFor();
    assert.match(await pre.innerText(), /"replicas": 1/);
  });

  it('applying a ConfigMap manifest creates it (server-side apply)', async () => {
    await nav('Apply');
    const manifest = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: from-dashboard', 'data:', '  greeting: hello'].join('\n');
    await page.getByLabel(/^Manifest/).fill(manifest);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('listitem').filter({ hasText: 'configmap/from-dashboard created' }).waitFor();
    const cm = JSON.parse(await kk(['get', 'configmap', 'from-dashboard', '-o', 'json', '--show-managed-fields']));
    assert.equal(cm.data.greeting, 'hello');
    assert.ok(
      (cm.metadata.managedFields as Array<{ manager: string; operation: string }>).some((f) => f.manager === 'skiff-dashboard' && f.operation === 'Apply'),
      JSON.stringify(cm.metadata.managedFields),
    );

    await page.getByLabel(/^Manifest/).fill(manifest.replace('hello', 'again'));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('listitem').filter({ hasText: 'configmap/from-dashboard applied' }).waitFor();
    assert.equal((await kk(['get', 'configmap', 'from-dashboard', '-o', 'jsonpath={.data.greeting}'])).trim(), 'again');

    await page.getByLabel(/^Manifest/).fill('apiVersion: v1\nkind: NoSuchKind\nmetadata:\n  name: x\n');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('alert').filter({ hasText: 'no resource of kind NoSuchKind' }).waitFor();
  });

  it('a pod applied in the UI runs on the node, and its logs follow', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'talker' },
      spec: {
        nodeName: NODE,
        tolerations: [{ key: TAINT.key, operator: 'Exists' }],
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hello-from-pod; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done'] }],
      },
    };
    await page.getByLabel(/^Manifest/).fill(JSON.stringify(pod, null, 2));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('listitem').filter({ hasText: 'pod/talker created' }).waitFor();

    await nav('Pods');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'talker', exact: true }) });
    await row.getByRole('cell', { name: 'Running', exact: true }).waitFor();
    await row.getByRole('cell', { name: '1/1', exact: true }).waitFor();
    await row.getByRole('cell', { name: NODE, exact: true }).waitFor();

    await row.getByRole('link', { name: 'Logs of default/talker' }).click();
    const logs = page.getByLabel('Logs of default/talker');
    await logs.getByText('hello-from-pod').waitFor();
    const ticks = async (): Promise<number> => Math.max(0, ...[...(await logs.innerText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    const first = await ticks();
    await waitFor('more log lines, streamed', async () => ((await ticks()) >= first + 5 ? true : undefined), UI_TIMEOUT_MS);
  });

  it('a WebSocket exec authenticated only by the bearer subprotocol runs; a bad token is 401', async () => {
    const q = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', 'echo api-$((1+1)); exit 5'], ['stdout', 'true'], ['container', 'c']]);
    const path = `/api/v1/namespaces/default/pods/talker/exec?${q}`;
    const ok = await wsExec(server, path, server.adminToken);
    assert.equal(ok.protocol, 'v5.channel.k8s.io');
    assert.equal(ok.out, 'api-2\n');
    assert.equal(ok.exitStatus?.reason, 'NonZeroExitCode');
    assert.deepEqual(ok.exitStatus?.details?.causes, [{ reason: 'ExitCode', message: '5' }]);
    assert.deepEqual(await wsExec(server, path, 'not-a-valid-token'), { status: 401 });
  });

  it('the terminal runs a shell in the running pod: input, output, size, exit code', async () => {
    await nav('Pods');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'talker', exact: true }) });
    await row.getByRole('button', { name: 'Terminal of default/talker' }).click();
    await page.getByRole('heading', { level: 2, name: /^Terminal/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Connected to default/talker (container c).' }).waitFor();
    const screen = page.getByRole('region', { name: 'Terminal of default/talker' });
    const text = async (): Promise<string> => screen.locator('.xterm-rows').innerText();
    const enter = async (line: string): Promise<void> => {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
    };
    await screen.click();
    await enter('echo hi-$((6*7))');
    await waitFor('hi-42 in the terminal', async () => (/^hi-42\s*$/m.test(await text()) ? true : undefined), UI_TIMEOUT_MS);

    // The size is sent on open, and again when the terminal's box changes.
    const size = async (): Promise<{ rows: number; cols: number } | undefined> => {
      const all = [...(await text()).matchAll(/^size=(\d+)x(\d+)\s*$/gm)];
      const last = all.at(-1);
      return last ? { rows: Number(last[1]), cols: Number(last[2]) } : undefined;
    };
    await enter('clear; echo size=$(stty size | tr " " x)');
    const first = await waitFor('the first size', size, UI_TIMEOUT_MS);
    assert.ok(first.cols >= 80 && first.rows >= 10, JSON.stringify(first));
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 900, height: 600 });
    try {
      await waitFor('a narrower terminal', async () => {
        await enter('clear; echo size=$(stty size | tr " " x)');
        const now = await waitFor('a size', size, UI_TIMEOUT_MS);
        return now.cols < first.cols && now.rows < first.rows ? now : undefined;
      }, UI_TIMEOUT_MS, 300);
    } finally {
      if (viewport) await page.setViewportSize(viewport);
    }

    await enter('exit 3');
    await page.getByRole('status').filter({ hasText: 'Session ended: exit code 3' }).waitFor();
  });

  it('pods show as kubectl shows them, and delete in the UI deletes the pod', async () => {
    await nav('Pods');
    const name = await waitFor('a web pod', async () => {
      const out = (await kk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
      return out.split(/\s+/).find((n) => n !== '' && n.startsWith('web-'));
    }, UI_TIMEOUT_MS);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
    await row.getByRole('cell', { name: 'Pending', exact: true }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: `Delete pod default/${name}` }).click();
    await waitFor(`pod ${name} gone`, async () => {
      const r = await k(['get', 'pod', name]);
      return r.code !== 0 && /NotFound/.test(r.stderr) ? true : undefined;
    }, UI_TIMEOUT_MS);
    await row.waitFor({ state: 'detached' });
  });

  it('events appear, newest first', async () => {
    await nav('Events');
    await page.getByRole('cell', { name: 'ScalingReplicaSet', exact: true }).first().waitFor();
    await kk(['create', 'deployment', 'later', '--image=nginx:1.25']);
    await page.getByRole('cell', { name: 'deployment/later', exact: true }).first().waitFor();
    const rows = await page.getByRole('row').allInnerTexts();
    const newest = rows.findIndex((r) => r.includes('deployment/later'));
    const older = rows.findIndex((r) => r.includes('deployment/web'));
    assert.ok(newest > 0 && older > newest, `deployment/later's events come before deployment/web's:\n${rows.join('\n')}`);
  });

  it('the overview counts pods per phase; services appear live', async () => {
    await nav('Overview');
    const pending = page.locator('dd[data-phase="Pending"]');
    await waitFor('pending pods counted', async () => (Number(await pending.innerText()) >= 1 ? true : undefined), UI_TIMEOUT_MS);
    await waitFor('the running pod counted', async () => (Number(await page.locator('dd[data-phase="Running"]').innerText()) >= 1 ? true : undefined), UI_TIMEOUT_MS);
    const node = page.getByRole('row').filter({ has: page.getByRole('link', { name: NODE, exact: true }) });
    await node.getByRole('cell', { name: 'Ready', exact: true }).waitFor();
    await nav('Services');
    await kk(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'web', exact: true }) });
    await row.getByRole('cell', { name: '80/TCP', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'ClusterIP', exact: true }).waitFor();
  });

  /** The table row whose name link is `name`. */
  const rowOf = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  const jsonpath = async (args: string[], path: string): Promise<string> => (await kk([...args, '-o', `jsonpath=${path}`])).trim();

  it('navigation groups the views, and each is reachable by URL', async () => {
    const navEl = page.getByRole('navigation', { name: 'Views' });
    for (const group of ['Workloads', 'Network', 'Config & Storage', 'Cluster']) {
      await navEl.getByRole('list', { name: group, exact: true }).waitFor();
    }
    await navEl.getByRole('list', { name: 'Workloads' }).getByRole('link', { name: 'CronJobs', exact: true }).waitFor();
    await open(`${server.url}/dashboard/#/pvcs`);
    await page.getByRole('heading', { level: 2, name: /^PersistentVolumeClaims/ }).waitFor();
    await page.getByRole('cell', { name: 'No persistent volume claims.' }).waitFor();
    await open(`${server.url}/dashboard/#/configmaps`);
    await rowOf('from-dashboard').getByRole('cell', { name: '1', exact: true }).waitFor();
  });

  it('a CronJob made with kubectl appears; suspend and "Run now" in the UI reach kubectl', async () => {
    await nav('CronJobs');
    await kk(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 0 1 1 *', '--', 'sh', '-c', 'true']);
    const row = rowOf('nightly');
    await row.getByRole('cell', { name: '0 0 1 1 *', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'False', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Suspend default/nightly' }).click();
    await waitFor('spec.suspend true', async () => ((await jsonpath(['get', 'cronjob', 'nightly'], '{.spec.suspend}')) === 'true' ? true : undefined), UI_TIMEOUT_MS);
    await row.getByRole('cell', { name: 'True', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Resume default/nightly' }).waitFor();

    const uid = await jsonpath(['get', 'cronjob', 'nightly'], '{.metadata.uid}');
    await row.getByRole('button', { name: 'Run now default/nightly' }).click();
    const job = await waitFor('a Job owned by the CronJob', async () => {
      const jobs = JSON.parse(await kk(['get', 'jobs', '-o', 'json'])).items as any[];
      return jobs.find((j) => j.metadata.ownerReferences?.some((o: any) => o.kind === 'CronJob' && o.uid === uid && o.controller));
    }, UI_TIMEOUT_MS);
    assert.match(job.metadata.name, /^nightly-manual-[a-z0-9]+$/);
    assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['sh', '-c', 'true']);

    await nav('Jobs');
    await rowOf(job.metadata.name).getByRole('cell', { name: '0/1', exact: true }).waitFor();
  });

  it("a Secret's values stay hidden until revealed", async () => {
    await kk(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr3t-value']);
    await nav('Secrets');
    const row = rowOf('creds');
    await row.getByRole('cell', { name: 'Opaque', exact: true }).waitFor();
    await row.getByRole('cell', { name: '1', exact: true }).waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /s3cr3t|czNjcjN0/);
    await row.getByRole('link', { name: 'creds', exact: true }).click();
    const pre = page.getByLabel('Object /api/v1/namespaces/default/secrets/creds');
    await pre.getByText('"password": "(hidden)"').waitFor();
    assert.doesNotMatch(await pre.innerText(), /s3cr3t|czNjcjN0/);
    await page.getByRole('button', { name: 'Reveal values' }).click();
    await pre.getByText('"password": "s3cr3t-value"').waitFor();
  });

  it('cordon in the UI shows as SchedulingDisabled to kubectl; uncordon undoes it', async () => {
    await nav('Nodes');
    const row = rowOf(NODE);
    await row.getByRole('cell', { name: '127.0.0.1', exact: true }).waitFor();
    await row.getByRole('button', { name: `Cordon ${NODE}` }).click();
    await waitFor('SchedulingDisabled', async () => (/\bReady,SchedulingDisabled\b/.test(await kk(['get', 'node', NODE])) ? true : undefined), UI_TIMEOUT_MS);
    await row.getByRole('cell', { name: 'Ready,SchedulingDisabled', exact: true }).waitFor();
    await row.getByRole('button', { name: `Uncordon ${NODE}` }).click();
    await waitFor('schedulable again', async () => ((await jsonpath(['get', 'node', NODE], '{.spec.unschedulable}')) === '' ? true : undefined), UI_TIMEOUT_MS);
    await row.getByRole('cell', { name: 'Ready', exact: true }).waitFor();
  });

  it('a namespace created in the UI exists for kubectl, and delete asks first', async () => {
    await nav('Namespaces');
    await page.getByLabel('New namespace').fill('from-ui');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await waitFor('namespace from-ui', async () => ((await k(['get', 'namespace', 'from-ui'])).code === 0 ? true : undefined), UI_TIMEOUT_MS);
    const row = rowOf('from-ui');
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();
    page.once('dialog', (d) => void d.dismiss());
    await row.getByRole('button', { name: 'Delete namespace from-ui' }).click();
    assert.equal(await jsonpath(['get', 'namespace', 'from-ui'], '{.status.phase}'), 'Active');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete namespace from-ui' }).click();
    await waitFor('namespace from-ui going', async () => {
      const r = await k(['get', 'namespace', 'from-ui', '-o', 'jsonpath={.status.phase}']);
      return r.code !== 0 || r.stdout.trim() === 'Terminating' ? true : undefined;
    }, UI_TIMEOUT_MS);
  });

  it('a StatefulSet scaled in the UI changes its replicas', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    };
    const r = await k(['apply', '-f', '-'], { stdin: JSON.stringify(sts) });
    assert.equal(r.code, 0, r.stderr);
    await nav('StatefulSets');
    const row = rowOf('db');
    await row.getByRole('cell', { name: '0/1', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Scale up default/db' }).click();
    await waitFor('spec.replicas 2', async () => ((await jsonpath(['get', 'statefulset', 'db'], '{.spec.replicas}')) === '2' ? true : undefined), UI_TIMEOUT_MS);
    await row.getByRole('cell', { name: /^\d\/2$/ }).waitFor();
    await row.getByRole('button', { name: 'Scale down default/db' }).click();
    await waitFor('spec.replicas 1', async () => ((await jsonpath(['get', 'statefulset', 'db'], '{.spec.replicas}')) === '1' ? true : undefined), UI_TIMEOUT_MS);
  });

  it('a service account token shows only what its RBAC allows', async () => {
    await kk(['create', 'serviceaccount', 'nobody']);
    const token = (await kk(['create', 'token', 'nobody'])).trim();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as system:serviceaccount:default:nobody').waitFor();
    await nav('Deployments');
    const alert = page.getByRole('alert').filter({ hasText: /^Forbidden: / });
    await alert.waitFor();
    assert.match(await alert.innerText(), /cannot list resource "deployments"/);

    await kk(['create', 'rolebinding', 'nobody-view', '--clusterrole=view', '--serviceaccount=default:nobody']);
    await waitFor('the view role to apply', async () => {
      await nav('Pods');
      await nav('Deployments');
      return (await page.getByRole('link', { name: 'web', exact: true }).count()) > 0 ? true : undefined;
    }, UI_TIMEOUT_MS, 250);
    await page.getByRole('button', { name: 'Scale up default/web' }).click();
    await page.getByRole('alert').filter({ hasText: /^Forbidden: .*cannot patch resource "deployments\/scale"/ }).waitFor();
  });

  it('a token without exec rights gets a clear Forbidden in the terminal', async () => {
    await nav('Pods');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'talker', exact: true }) });
    await row.getByRole('button', { name: 'Terminal of default/talker' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /^Forbidden: / });
    await alert.waitFor();
    assert.match(await alert.innerText(), /system:serviceaccount:default:nobody.*cannot get resource "pods\/exec"/);
  });

  it('loaded no script or style from elsewhere: no CSP violations, no page errors', () => {
    assert.deepEqual(problems, []);
  });
});
