/**
 * Writes a volume's files the way Kubernetes' AtomicWriter does, so a reader never sees a
 * half-updated set: the files go into a fresh timestamped directory `..<time>`, a
 * `..data_tmp` symlink to it is renamed over `..data` (one atomic step), and each
 * top-level name the user sees is a symlink through `..data`. Unchanged payloads write
 * nothing.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** Permission bits (0–0777). */
  mode: number;
}

/** Relative path → content and mode. */
export type Payload = Map<string, FileProjection>;

const DATA = '..data';
const DATA_TMP = '..data_tmp';

/** Raised for a payload path Kubernetes would refuse (absolute, `..`, empty). */
export class PayloadPathError extends Error {
  constructor(path: string, why: string) {
    super(`invalid path ${JSON.stringify(path)}: ${why}`);
    this.name = 'PayloadPathError';
  }
}

/** As the kubelet's validatePath: relative, no `..` element, not starting with `..`. */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new PayloadPathError(p, 'must not be empty');
  if (p.startsWith('/')) throw new PayloadPathError(p, 'must be relative');
  if (p.startsWith('..')) throw new PayloadPathError(p, "must not start with '..'");
  if (p.split('/').some((e) => e === '..')) throw new PayloadPathError(p, "must not contain '..'");
  if (p.length > 4096) throw new PayloadPathError(p, 'too long');
}

/** `..2006_01_02_15_04_05.` as the kubelet names its timestamped directories (mkdtemp adds a unique suffix). */
function tsPrefix(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/** The payload's top-level names (what gets a user-visible symlink). */
function topLevel(payload: Payload): Set<string> {
  return new Set([...payload.keys()].map((p) => p.split('/')[0] as string));
}

/** True when `dir` (the current `..data` target) holds exactly this payload, contents and modes. */
function sameAsCurrent(dir: string, payload: Payload): boolean {
  const seen = new Set<string>();
  const walk = (rel: string): boolean => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!walk(r)) return false;
        continue;
      }
      const want = payload.get(r);
      if (!want) return false;
      const path = join(dir, r);
      if ((statSync(path).mode & 0o777) !== want.mode || !readFileSync(path).equals(want.data)) return false;
      seen.add(r);
    }
    return true;
  };
  try {
    return walk('') && seen.size === payload.size;
  } catch {
    return false;
  }
}

/**
 * Makes `targetDir` show exactly `payload`. Returns true when something was written.
 * Idempotent; safe to call on every sync. Throws PayloadPathError before writing anything
 * when a path is invalid.
 */
export function writeAtomic(targetDir: string, payload: Payload, now: Date = new Date()): boolean {
  for (const p of payload.keys()) validatePayloadPath(p);
  mkdirSync(targetDir, { recursive: true, mode: 0o755 });
  const dataLink = join(targetDir, DATA);
  let oldTs: string | undefined;
  try {
    oldTs = readlinkSync(dataLink);
  } catch {
    oldTs = undefined;
  }
  if (oldTs !== undefined && sameAsCurrent(join(targetDir, oldTs), payload)) {
    ensureUserLinks(targetDir, payload);
    return false;
  }
  const tsDir = mkdtempSync(join(targetDir, tsPrefix(now)));
  chmodSync(tsDir, 0o755);
  for (const [rel, f] of payload) {
    const path = join(tsDir, rel);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, f.data);
    chmodSync(path, f.mode);
  }
  const tsName = tsDir.slice(targetDir.length + 1);
  const tmpLink = join(targetDir, DATA_TMP);
  rmSync(tmpLink, { force: true });
  symlinkSync(tsName, tmpLink);
  renameSync(tmpLink, dataLink);
  ensureUserLinks(targetDir, payload);
  if (oldTs !== undefined && oldTs !== tsName && oldTs.startsWith('..')) rmSync(join(targetDir, oldTs), { recursive: true, force: true });
  return true;
}

/** Top-level `name -> ..data/name` links for the payload; names no longer in it are removed. */
function ensureUserLinks(targetDir: string, payload: Payload): void {
  const want = topLevel(payload);
  for (const name of want) {
    const link = join(targetDir, name);
    try {
      if (readlinkSync(link) === `${DATA}/${name}`) continue;
      rmSync(link, { recursive: true, force: true });
    } catch {
      // absent (or not a link: replaced below)
      if (exists(link)) rmSync(link, { recursive: true, force: true });
    }
    symlinkSync(`${DATA}/${name}`, link);
  }
  for (const name of readdirSync(targetDir)) {
    if (name.startsWith('..') || want.has(name)) continue;
    rmSync(join(targetDir, name), { recursive: true, force: true });
  }
  // Timestamped directories a crash left behind (not the current one).
  const current = readlinkSync(join(targetDir, DATA));
  for (const name of readdirSync(targetDir)) {
    if (name.startsWith('..') && name !== DATA && name !== current && name !== DATA_TMP) rmSync(join(targetDir, name), { recursive: true, force: true });
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
