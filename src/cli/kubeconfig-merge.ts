import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

/** `$HOME/.kube/config` (read at call time, so a test's HOME is honoured). */
export function defaultUserKubeconfig(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), '.kube', 'config');
}

export interface MergeKubeconfigOptions {
  /** The kubeconfig to merge into (created if missing). */
  target: string;
  /** A kubeconfig with one cluster, user and context (skiff's admin.kubeconfig). */
  source: string;
  /** Name given to the merged cluster, user and context. */
  name: string;
}

type Named = { name?: string } & Record<string, unknown>;
interface KubeconfigDoc {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [k: string]: unknown;
}

/**
 * Merges the source's (first) cluster, user and context into target under `name`,
 * replacing only entries of that name: every other cluster, user and context is kept
 * as it was. current-context is set only when target had none. Written atomically
 * (temp file + rename) with mode 0600. Returns whether `name` existed and whether it is current.
 */
export function mergeKubeconfig(opts: MergeKubeconfigOptions): { replaced: boolean; current: boolean } {
  const src = parse(readFileSync(opts.source, 'utf8')) as KubeconfigDoc;
  const cluster = src.clusters?.[0]?.cluster;
  const user = src.users?.[0]?.user;
  if (!cluster || !user) throw new Error(`${opts.source}: no cluster or user to merge`);
  let doc: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config', preferences: {} };
  if (existsSync(opts.target)) {
    const parsed = parse(readFileSync(opts.target, 'utf8')) as unknown;
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${opts.target} is not a kubeconfig; left unchanged`);
      doc = parsed as KubeconfigDoc;
    }
  }
  const name = opts.name;
  const upsert = (list: Named[] | undefined, entry: Named): { list: Named[]; had: boolean } => {
    const items = Array.isArray(list) ? list : [];
    const had = items.some((e) => e.name === name);
    return { list: [...items.filter((e) => e.name !== name), entry], had };
  };
  const c = upsert(doc.clusters, { name, cluster });
  const u = upsert(doc.users, { name, user });
  const x = upsert(doc.contexts, { name, context: { cluster: name, user: name } });
  doc.clusters = c.list;
  doc.users = u.list;
  doc.contexts = x.list;
  if (!doc['current-context']) doc['current-context'] = name;
  mkdirSync(dirname(opts.target), { recursive: true, mode: 0o700 });
  const tmp = `${opts.target}.skiff-${process.pid}.tmp`;
  writeFileSync(tmp, stringify(doc), { mode: 0o600 });
  renameSync(tmp, opts.target);
  return { replaced: c.had || u.had || x.had, current: doc['current-context'] === name };
}
