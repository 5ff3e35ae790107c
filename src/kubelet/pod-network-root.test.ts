/**
 * Root only: the process runtime's pod networking, through the runtime itself. Two pods
 * get their own network namespaces on a test bridge with addresses from 198.18.64.0/24,
 * see only lo and eth0, both listen on 8080, answer the host and each other; exec runs in
 * the pod's namespace; a new runtime on the same state dir (a restarted kubelet) keeps
 * addresses and namespaces; removal deletes namespace and veth; close() the bridge too.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { httpGet } from '../../test/e2e/support/http-get.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from './process-runtime.js';
import { natTable } from './bridge.js';
import { netnsPath } from './pod-network.js';
import type { PodSandbox } from './runtime.js';

const CIDR = '198.18.64.0/24';
const BRIDGE = `skpn${process.pid % 100000}`;
const podNetwork = { podCidr: CIDR, bridge: BRIDGE };

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'pod network namespaces need root';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'iproute2 (ip netns) is not available';
  if (spawnSync('nsenter', ['--version']).status !== 0) return 'nsenter (util-linux) is not available';
  return false;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}


const netnsInode = (pathOrLink: string): string => (pathOrLink.startsWith('/proc') ? /\[(\d+)\]/.exec(readlinkSync(pathOrLink))?.[1] ?? '' : String(statSync(pathOrLink).ino));
const links = (): Set<string> => new Set(readdirSync('/sys/class/net'));
const tableExists = (): boolean => spawnSync('nft', ['list', 'table', 'ip', natTable(BRIDGE)]).status === 0;

describe('process runtime pod networking (root)', { skip: unavailable() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-podnet-'));
  const state = join(dir, 'state');
  /** Live runtimes (a released one hands its pods to its successor). */
  const runtimes: ProcessRuntime[] = [];
  const netnses = new Set<string>();
  const forwardingBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  after(async () => {
    for (const rt of runtimes.reverse()) await rt.close().catch(() => {});
    // Whatever a failed assertion left behind.
    for (const ns of netnses) spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', BRIDGE]);
    spawnSync('nft', ['delete', 'table', 'ip', natTable(BRIDGE)]);
    rmSync(dir, { recursive: true, force: true });
  });

  const server = (name: string) => ({
    name: 'web',
    image: 'x',
    argv: [process.execPath, '-e', `require('http').createServer((q, s) => s.end(${JSON.stringify(name)})).listen(8080)`],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    logPath: join(dir, `${name}.log`),
    labels: {},
  });

  it('gives pods their own namespaces and addresses, keeps them across a runtime restart, and removes them', { timeout: 60_000 }, async () => {
    const first = new ProcessRuntime({ stateDir: state, podNetwork });
    runtimes.push(first);
    const a = await first.runPodSandbox({ uid: 'ua', namespace: 'ns', name: 'a' });
    const b = await first.runPodSandbox({ uid: 'ub', namespace: 'ns', name: 'b' });
    for (const sb of [a, b]) if (sb.netns) netnses.add(sb.netns);
    assert.equal(first.podCidr, CIDR);
    for (const sb of [a, b]) {
      assert.match(sb.ip, /^198\.18\.64\.\d+$/, `${sb.ip} is in ${CIDR}`);
      assert.notEqual(sb.ip, '198.18.64.1', 'the gateway is the bridge\'s');
      assert.match(sb.netns ?? '', /^skiff-[0-9a-f]{12}$/);
      assert.ok(existsSync(netnsPath(sb.netns!)), `${sb.netns} exists`);
    }
    assert.notEqual(a.ip, b.ip);
    assert.ok(links().has(BRIDGE), 'the bridge exists');
    assert.match(first.limitations()[0] ?? '', new RegExp(`own network namespace on bridge ${BRIDGE} with an address from 198\\.18\\.64\\.0/24`));
    const host = await first.runPodSandbox({ uid: 'uh', namespace: 'ns', name: 'h', hostNetwork: true });
    assert.equal(host.netns, undefined, 'hostNetwork pods stay in the host namespace');
    assert.equal(host.ip, '127.0.0.1');

    const ids: Record<string, string> = {};
    for (const [n, sb] of [['a', a], ['b', b]] as const) {
      ids[n] = await first.createContainer(sb.id, server(n));
      await first.startContainer(ids[n]);
    }
    // Both listen on 8080 without colliding, and the host reaches each by its address over the bridge.
    for (const [n, sb] of [['a', a], ['b', b]] as const) assert.equal(await until(`pod ${n} to answer`, () => httpGet(`http://${sb.ip}:8080/`)), n);

    // The container itself runs in its pod's namespace.
    const pidA = (await first.containerStatus(ids.a!))?.pid ?? 0;
    assert.equal(netnsInode(`/proc/${pidA}/ns/net`), netnsInode(netnsPath(a.netns!)));

    // Exec runs there too: it sees only lo and eth0 with the pod's address, and reaches pod B.
    const addrs = await first.execSync(ids.a!, ['ip', '-o', '-4', 'addr'], 5000);
    assert.equal(addrs.exitCode, 0, addrs.stderr);
    const ifaces = new Set(addrs.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]));
    assert.deepEqual([...ifaces].sort(), ['eth0', 'lo']);
    assert.match(addrs.stdout, new RegExp(`eth0\\s+inet ${a.ip.replace(/\./g, '\\.')}/24`));
    const allLinks = await first.execSync(ids.a!, ['ip', '-o', 'link'], 5000);
    assert.deepEqual(allLinks.stdout.trim().split('\n').map((l) => l.split(/:\s+/)[1]?.split('@')[0]).sort(), ['eth0', 'lo']);
    const fetch = `require('http').get('http://${b.ip}:8080/', (r) => r.pipe(process.stdout)).on('error', (e) => { console.error(e.message); process.exit(1); })`;
    const aToB = await first.execSync(ids.a!, [process.execPath, '-e', fetch], 10_000);
    assert.deepEqual({ code: aToB.exitCode, out: aToB.stdout }, { code: 0, out: 'b' }, aToB.stderr);
    const session = await first.exec(ids.b!, ['readlink', '/proc/self/ns/net'], { tty: false });
    let out = '';
    session.stdout.on('data', (d: Buffer) => (out += d.toString()));
    session.stdin.end();
    assert.equal(await session.wait(), 0);
    assert.equal(/\[(\d+)\]/.exec(out)?.[1], netnsInode(netnsPath(b.netns!)), 'interactive exec enters the pod namespace');

    // A restarted kubelet: a new runtime on the same state dir finds the pods with their addresses and namespaces.
    first.release();
    runtimes.splice(runtimes.indexOf(first), 1);
    const second = new ProcessRuntime({ stateDir: state, podNetwork });
    runtimes.push(second);
    const adopted = new Map((await second.listPodSandboxes()).map((s: PodSandbox) => [s.id, s]));
    for (const sb of [a, b]) assert.deepEqual({ ip: adopted.get(sb.id)?.ip, netns: adopted.get(sb.id)?.netns }, { ip: sb.ip, netns: sb.netns });
    for (const [n, sb] of [['a', a], ['b', b]] as const) assert.equal(await httpGet(`http://${sb.ip}:8080/`), n, `pod ${n} still answers`);
    const again = await second.execSync(ids.a!, [process.execPath, '-e', fetch], 10_000);
    assert.equal(again.stdout, 'b', again.stderr);
    const c = await second.runPodSandbox({ uid: 'uc', namespace: 'ns', name: 'c' });
    if (c.netns) netnses.add(c.netns);
    assert.ok(![a.ip, b.ip, '198.18.64.1'].includes(c.ip) && c.ip.startsWith('198.18.64.'), `a new pod gets a free address (${c.ip})`);

    // Removal: the container, the namespace and the host end of the veth go.
    const vethsBefore = [...links()].filter((l) => l.startsWith('skv'));
    await second.removePodSandbox(a.id);
    assert.equal(existsSync(netnsPath(a.netns!)), false, 'the namespace is deleted');
    assert.equal(links().has(`skv${a.netns!.slice(6)}`), false, 'the veth is gone');
    assert.equal(vethsBefore.length - [...links()].filter((l) => l.startsWith('skv')).length, 1);
    await assert.rejects(httpGet(`http://${a.ip}:8080/`));
    assert.equal(await httpGet(`http://${b.ip}:8080/`), 'b', 'the other pod is untouched');

    // close() (skiff killall, a kubelet stopped with killPods): every pod network and the bridge go.
    await second.close();
    for (const ns of [a.netns, b.netns, c.netns]) assert.equal(existsSync(netnsPath(ns!)), false, `${ns} is deleted`);
    assert.equal(links().has(BRIDGE), false, 'the bridge is deleted');
    assert.equal(tableExists(), false, 'the masquerade table is deleted');
    assert.equal(existsSync(join(state, 'pod-network.json')), false);
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), forwardingBefore, 'ip_forward is back as it was');
  });

  it('a runtime without pod network configuration (skiff killall) still removes what an earlier one set up', { timeout: 30_000 }, async () => {
    const dir2 = join(dir, 'state2');
    const rt = new ProcessRuntime({ stateDir: dir2, podNetwork });
    runtimes.push(rt);
    const sb = await rt.runPodSandbox({ uid: 'u', namespace: 'ns', name: 'p' });
    if (sb.netns) netnses.add(sb.netns);
    const id = await rt.createContainer(sb.id, server('p'));
    await rt.startContainer(id);
    assert.equal(await until('the pod to answer', () => httpGet(`http://${sb.ip}:8080/`)), 'p');
    assert.ok(tableExists(), 'the masquerade table exists while pods run');
    rt.release();
    runtimes.splice(runtimes.indexOf(rt), 1);
    const killall = new ProcessRuntime({ stateDir: dir2 });
    await killall.close();
    assert.equal(existsSync(netnsPath(sb.netns!)), false);
    assert.equal(links().has(BRIDGE), false);
    assert.equal(tableExists(), false);
  });

  it('a sandbox whose namespace is gone (a reboot) is not ready for the next runtime, and its address is free', { timeout: 30_000 }, async () => {
    const dir3 = join(dir, 'state3');
    const rt = new ProcessRuntime({ stateDir: dir3, podNetwork: { podCidr: '198.18.64.0/29', bridge: BRIDGE } });
    runtimes.push(rt);
    const sbs = [];
    for (const n of ['p', 'q', 'r']) sbs.push(await rt.runPodSandbox({ uid: n, namespace: 'ns', name: n }));
    for (const sb of sbs) if (sb.netns) netnses.add(sb.netns);
    rt.release();
    runtimes.splice(runtimes.indexOf(rt), 1);
    const [gone, ...kept] = sbs;
    spawnSync('ip', ['netns', 'del', gone!.netns!]);
    const next = new ProcessRuntime({ stateDir: dir3, podNetwork: { podCidr: '198.18.64.0/29', bridge: BRIDGE } });
    runtimes.push(next);
    const states = new Map((await next.listPodSandboxes()).map((s) => [s.id, s.state]));
    assert.deepEqual([gone, ...kept].map((s) => states.get(s!.id)), ['notready', 'ready', 'ready']);
    // A /29 has five pod addresses: three were taken, the lost one is free again.
    const more = [];
    for (const n of ['s', 't', 'u']) more.push(await next.runPodSandbox({ uid: n, namespace: 'ns', name: n }));
    for (const sb of more) if (sb.netns) netnses.add(sb.netns);
    assert.deepEqual(new Set(more.map((s) => s.ip)).size, 3);
    assert.ok(more.some((s) => s.ip === gone!.ip), `the lost pod's address ${gone!.ip} is handed out again`);
    await assert.rejects(next.runPodSandbox({ uid: 'v', namespace: 'ns', name: 'v' }), /no free pod address/);
    await next.close();
    assert.equal(links().has(BRIDGE), false);
  });
});
