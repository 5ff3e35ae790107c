import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { planMounts, type EntryType, type HostFs, type MountOp } from './mount-namespace-plan.js';
import { ProcessRuntime } from './process-runtime.js';

/** A host tree from `path: type` entries (`link:target` for symlinks). */
function fixture(entries: Record<string, string>): HostFs {
  const all = new Map<string, string>([['/', 'dir'], ...Object.entries(entries)]);
  const type = (p: string): EntryType | undefined => {
    const t = all.get(p);
    return t === undefined ? undefined : t.startsWith('link:') ? 'link' : (t as EntryType);
  };
  return {
    lstat: (p) => (type(p) ? { type: type(p) as EntryType, mode: 0o755 } : undefined),
    isDir: (p) => type(p) === 'dir',
    readdir: (p) => [...all.keys()].filter((k) => k !== '/' && posix.dirname(k) === p).map((k) => posix.basename(k)).sort(),
    readlink: (p) => (all.get(p) as string).slice(5),
  };
}

const host = fixture({
  '/bin': 'link:usr/bin', '/usr': 'dir', '/usr/bin': 'dir', '/etc': 'dir', '/etc/passwd': 'file', '/etc/ssl': 'dir',
  '/etc/resolv.conf': 'link:../run/resolv.conf', '/run': 'dir', '/run/resolv.conf': 'file', '/tmp': 'dir',
  '/vol': 'dir', '/pod': 'dir', '/vol/cfg': 'dir', '/vol/cfg/key': 'link:..data/key', '/vol/cfg/..data': 'link:..2024', '/vol/cfg/..2024': 'dir', '/vol/cfg/..2024/key': 'file',
  '/vol/data': 'dir', '/pod/resolv.conf': 'file',
});

const show = (ops: MountOp[]): string[] => ops.map((o) => {
  switch (o.op) {
    case 'in-place': return 'in-place';
    case 'tmpfs': return `tmpfs ${o.at}`;
    case 'mirror': return `mirror ${o.type} ${o.at}`;
    case 'symlink': return `symlink ${o.at} -> ${o.target}`;
    case 'mkdir': case 'touch': return `${o.op} ${o.at}`;
    case 'mkdir-host': case 'touch-host': return `${o.op} ${o.host}`;
    case 'bind': return `bind ${o.host} ${o.at}${o.readOnly ? ' ro' : ''}`;
  }
});

const ROOT = ['tmpfs /', 'symlink /bin -> usr/bin', 'mirror dir /etc', 'mirror dir /pod', 'mirror dir /run', 'mirror dir /tmp', 'mirror dir /usr', 'mirror dir /vol'];

describe('planMounts', () => {
  it('replicates the host root, creates a missing top-level mountPath on the tmpfs root, binds last', () => {
    assert.deepEqual(show(planMounts([{ containerPath: '/data', hostPath: '/vol/data' }], host)), [...ROOT, 'mkdir /data', 'bind /vol/data /data']);
  });

  it('a mountPath missing under a host directory opens that directory (tmpfs + replicas) instead of touching the host', () => {
    const ops = show(planMounts([{ containerPath: '/etc/app', hostPath: '/vol/cfg', readOnly: true }], host));
    assert.deepEqual(ops, [...ROOT, 'tmpfs /etc', 'mirror file /etc/passwd', 'symlink /etc/resolv.conf -> ../run/resolv.conf', 'mirror dir /etc/ssl', 'mkdir /etc/app', 'bind /vol/cfg /etc/app ro']);
  });

  it('an existing file is bound over as is (in place: no private root); symlinks on the way are followed in the container view', () => {
    const listed: string[] = [];
    const counting: HostFs = { ...host, readdir: (p) => (listed.push(p), host.readdir(p)) };
    assert.deepEqual(show(planMounts([{ containerPath: '/etc/resolv.conf', hostPath: '/pod/resolv.conf' }], counting)), ['in-place', 'bind /pod/resolv.conf /run/resolv.conf']);
    assert.deepEqual(listed, [], 'in place, the host root is not even listed');
    assert.deepEqual(show(planMounts([{ containerPath: '/bin/tool', hostPath: '/pod/resolv.conf' }], host)).slice(ROOT.length), ['tmpfs /usr/bin', 'touch /usr/bin/tool', 'bind /pod/resolv.conf /usr/bin/tool']);
  });

  it('nested mountPaths: shallow binds first; a missing directory inside a volume is made in the volume; new dirs stack on new dirs', () => {
    const ops = show(planMounts([
      { containerPath: '/data/cache/x', hostPath: '/vol/cfg' },
      { containerPath: '/data', hostPath: '/vol/data' },
      { containerPath: '/new/a/b', hostPath: '/vol/cfg' },
    ], host, { workingDir: '/srv/app' }));
    assert.deepEqual(ops.slice(ROOT.length), [
      'mkdir /data', 'mkdir-host /vol/data/cache', 'mkdir-host /vol/data/cache/x', 'mkdir /new', 'mkdir /new/a', 'mkdir /new/a/b', 'mkdir /srv', 'mkdir /srv/app',
      'bind /vol/data /data', 'bind /vol/cfg /data/cache/x', 'bind /vol/cfg /new/a/b',
    ]);
  });

  it('refuses relative mountPaths, / itself, and symlink loops', () => {
    assert.throws(() => planMounts([{ containerPath: 'rel', hostPath: '/vol/data' }], host), /not absolute/);
    assert.throws(() => planMounts([{ containerPath: '/', hostPath: '/vol/data' }], host), /cannot be mounted at \//);
    const loop = fixture({ '/a': 'link:/b', '/b': 'link:/a' });
    assert.throws(() => planMounts([{ containerPath: '/a/x', hostPath: '/' }], loop), /too many levels/);
  });
});

describe('limitations of the process runtime', () => {
  it('says plainly that volumes are not mounted at their mountPaths without mount namespaces', () => {
    const [text] = new ProcessRuntime({ cgroups: null, mountNamespaces: false }).limitations();
    assert.match(text ?? '', /no mount namespace \(volumes are not mounted at their mountPaths, no pod resolv\.conf: disabled by configuration\)/);
    const [root] = new ProcessRuntime({ cgroups: null, mountNamespaces: true }).limitations();
    assert.match(root ?? '', /a mount namespace per container \(volumes at their mountPaths, the pod's resolv\.conf\)/);
  });
});
