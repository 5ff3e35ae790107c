/**
 * The eviction signals read on this machine. memory.available is MemTotal minus the
 * node's working set (MemTotal − MemAvailable, usage-parse.ts: the kernel's own estimate of
 * what cannot be reclaimed at once, which is what upstream gets from the root cgroup's
 * usage minus inactive file pages, and it works with or without cgroups). nodefs.* come
 * from statfs of the kubelet's data dir; imagefs.* from the runtime's image store, the
 * same filesystem unless the runtime says otherwise; pid.available from the kernel's
 * pid_max / threads-max minus the threads now running.
 */
import { readFile, statfs } from 'node:fs/promises';
import { Quantity } from '../../machinery/quantity.js';
import { kbField, nodeWorkingSetBytes } from '../usage-parse.js';
import type { Signal } from './thresholds.js';

/** What is left of a resource and how much there is in all. */
export interface Observation {
  available: Quantity;
  capacity: Quantity;
}
export type Observations = Partial<Record<Signal, Observation>>;

const obs = (available: number, capacity: number, format: 'BinarySI' | 'DecimalSI'): Observation => ({
  available: Quantity.fromValue(BigInt(Math.trunc(available)), format),
  capacity: Quantity.fromValue(BigInt(Math.trunc(capacity)), format),
});

/** memory.available from /proc/meminfo: capacity − working set. */
export function memoryObservation(meminfo: string): Observation | undefined {
  const total = kbField(meminfo, 'MemTotal');
  const workingSet = nodeWorkingSetBytes(meminfo);
  if (total === undefined || workingSet === undefined) return undefined;
  return obs(total - workingSet, total, 'BinarySI');
}

/** The fields of statfs(2) the fs signals need. */
export interface FsStats {
  bsize: number;
  blocks: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** `<prefix>.available` (blocks free to unprivileged users, as cAdvisor) and `<prefix>.inodesFree`. */
export function fsObservations(prefix: 'nodefs' | 'imagefs', s: FsStats): Observations {
  const out: Observations = { [`${prefix}.available`]: obs(s.bavail * s.bsize, s.blocks * s.bsize, 'BinarySI') };
  // Filesystems without an inode table (btrfs, some overlays) report 0 files: no signal then.
  if (s.files > 0) out[`${prefix}.inodesFree`] = obs(s.ffree, s.files, 'DecimalSI');
  return out;
}

/** pid.available: the smaller of pid_max and threads-max, minus the threads running (the 4th field of loadavg's "running/total"). */
export function pidObservation(pidMax: string, threadsMax: string, loadavg: string): Observation | undefined {
  const limits = [pidMax, threadsMax].map((s) => Number.parseInt(s.trim(), 10)).filter((n) => Number.isFinite(n) && n > 0);
  const total = /\s\d+\/(\d+)\s/.exec(loadavg)?.[1];
  if (limits.length === 0 || total === undefined) return undefined;
  const max = Math.min(...limits);
  return obs(max - Number(total), max, 'DecimalSI');
}

const read = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');

async function fsStats(path: string): Promise<FsStats | undefined> {
  try {
    const s = await statfs(path);
    return { bsize: s.bsize, blocks: s.blocks, bavail: s.bavail, files: s.files, ffree: s.ffree };
  } catch {
    return undefined;
  }
}

export interface SignalSources {
  /** The kubelet's data dir (nodefs). */
  nodeFsPath: string;
  /** The runtime's image store when it is elsewhere; imagefs mirrors nodefs without it. */
  imageFsPath?: string;
}

/** Reads every signal now; a signal whose source cannot be read is left out (and so never met). */
export async function observeSignals(src: SignalSources): Promise<Observations> {
  const [meminfo, pidMax, threadsMax, loadavg, nodeFs, imageFs] = await Promise.all([
    read('/proc/meminfo'),
    read('/proc/sys/kernel/pid_max'),
    read('/proc/sys/kernel/threads-max'),
    read('/proc/loadavg'),
    fsStats(src.nodeFsPath),
    src.imageFsPath ? fsStats(src.imageFsPath) : Promise.resolve(undefined),
  ]);
  const out: Observations = {};
  const mem = memoryObservation(meminfo);
  if (mem) out['memory.available'] = mem;
  if (nodeFs) Object.assign(out, fsObservations('nodefs', nodeFs), fsObservations('imagefs', imageFs ?? nodeFs));
  const pid = pidObservation(pidMax, threadsMax, loadavg);
  if (pid) out['pid.available'] = pid;
  return out;
}
