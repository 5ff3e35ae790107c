/**
 * Static pods, the pure part: reading a Pod manifest file and giving the pod what
 * upstream's file source (pkg/kubelet/config/file.go, common.go applyDefaults) gives it,
 * so it can run on this node without the API server:
 * - name `<name>-<node>`, namespace `default` when empty, `spec.nodeName` = this node;
 * - a UID that is a hash of the node, the file and the pod as written: an edited manifest
 *   is another pod (the old one stops, the new one starts), an unchanged one keeps its UID
 *   across rereads and kubelet restarts (so its containers are re-adopted);
 * - annotations `kubernetes.io/config.source: file`, `kubernetes.io/config.hash: <uid>`
 *   and `kubernetes.io/config.seen` (when this kubelet first saw it);
 * - a toleration of every NoExecute taint;
 * - the API's defaults for a Pod (as upstream's SetObjectDefaults_Pod).
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { applyDefaults } from '../api/schema/defaults.js';

export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const FILE_SOURCE = 'file';

/** The manifest files a pod-manifest directory is read for (others are ignored silently, as editors' backups). */
export function isManifestFile(name: string): boolean {
  return !name.startsWith('.') && /\.(ya?ml|json)$/i.test(name);
}

/** Why a manifest file was skipped: one log line's worth. */
export class ManifestError extends Error {}

/**
 * The Pod in a manifest file's text (YAML or JSON, one document). Throws ManifestError
 * when it is not one Pod with a name and containers.
 */
export function parseManifest(text: string): Pod {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ManifestError(`not valid YAML or JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ManifestError('not an object');
  const obj = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: { containers?: unknown } };
  if (obj.kind !== 'Pod' || (obj.apiVersion !== 'v1' && obj.apiVersion !== undefined)) throw new ManifestError(`kind ${String(obj.apiVersion ?? '')}/${String(obj.kind ?? '')} is not a v1 Pod`);
  if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) throw new ManifestError('the pod has no metadata.name');
  if (!Array.isArray(obj.spec?.containers) || obj.spec.containers.length === 0) throw new ManifestError('the pod has no containers');
  return doc as Pod;
}

/** Upstream's generatePodName: the node's name (lower case) after the pod's. */
export function staticPodName(name: string, nodeName: string): string {
  return `${name}-${nodeName.toLowerCase()}`;
}

/** The static pod's UID (and config hash): 32 hex digits from the node, the file and the pod as parsed. */
export function staticPodHash(pod: Pod, nodeName: string, file: string): string {
  return createHash('md5').update(`host:${nodeName}\nfile:${file}\n`).update(JSON.stringify(pod)).digest('hex');
}

/**
 * The pod this node runs for a manifest (see the file comment). `seenOf(uid)` gives the
 * config.seen time to record (RFC 3339): the caller keeps the first for each UID. The
 * input is not modified.
 */
export function staticPodFrom(manifest: Pod, opts: { nodeName: string; file: string; seenOf: (uid: string) => string }): Pod {
  const pod = structuredClone(manifest);
  const meta = (pod.metadata ??= {});
  meta.namespace ||= 'default';
  meta.name = staticPodName(meta.name ?? '', opts.nodeName);
  const spec = (pod.spec ??= {});
  spec.nodeName = opts.nodeName;
  // The hash is taken before anything this kubelet adds that could change between reads.
  const hash = staticPodHash(pod, opts.nodeName, opts.file);
  meta.uid = hash;
  delete meta.resourceVersion;
  delete meta.generateName;
  meta.annotations = { ...meta.annotations, [CONFIG_SOURCE_ANNOTATION]: FILE_SOURCE, [CONFIG_HASH_ANNOTATION]: hash, [CONFIG_SEEN_ANNOTATION]: opts.seenOf(hash) };
  const tolerations = (spec.tolerations ??= []);
  if (!tolerations.some((t) => t.operator === 'Exists' && !t.key && t.effect === 'NoExecute')) tolerations.push({ operator: 'Exists', effect: 'NoExecute' });
  applyDefaults(PodKind, pod as unknown as Record<string, unknown>);
  return pod;
}

/** True for a pod this kubelet runs from a file (not one the API gave it). */
export function isStaticPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION] === FILE_SOURCE && pod.metadata.annotations[CONFIG_MIRROR_ANNOTATION] === undefined;
}

/** True for a mirror pod: the API's view of some kubelet's static pod. */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/** namespace/name of a pod. */
export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

/** What changed between two sets of static pods, by UID: pods to start and pods to stop. */
export function diffStaticPods(prev: ReadonlyMap<string, Pod>, next: ReadonlyMap<string, Pod>): { added: Pod[]; removed: Pod[] } {
  return {
    added: [...next].filter(([uid]) => !prev.has(uid)).map(([, p]) => p),
    removed: [...prev].filter(([uid]) => !next.has(uid)).map(([, p]) => p),
  };
}
