/**
 * The MutatingAdmissionWebhook and ValidatingAdmissionWebhook admission plugins. Both read
 * their configurations on every request from a source the API server backs with its watch
 * cache, so a configuration change applies as soon as the cache has it.
 *
 * Mutating webhooks run one after another (configurations sorted by name, webhooks in
 * order), each seeing the previous one's changes; those with reinvocationPolicy IfNeeded
 * are called once more when a later webhook changed the object. Validating webhooks run
 * in parallel; the first refusal (in configuration order) wins.
 */
import { applyDefaults } from '../../../api/schema/index.js';
import type { AnyWebhook } from '../../../api/admissionregistration/v1/index.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';
import type { KubeObject } from '../../watch-cache/cached-object.js';
import { callWebhook, type CallDeps } from './dispatch.js';
import { webhookApplies, type EquivalentVersions, type MatchLabels, type MatchRequest } from './matching.js';
import { applyWebhookPatch } from './outcome.js';

export interface WebhookAdmissionConfig extends CallDeps {
  /** The MutatingWebhookConfigurations (for the mutating plugin) or ValidatingWebhookConfigurations. */
  configurations(): readonly KubeObject[];
  /** Labels of a namespace, undefined when it does not exist. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  /** Other served versions of a group/resource (matchPolicy Equivalent). */
  equivalents?: EquivalentVersions;
}

/** The webhooks of every configuration, configurations sorted by name as upstream. */
function webhooksOf(configs: readonly KubeObject[]): AnyWebhook[] {
  return [...configs]
    .sort((a, b) => String(a.metadata?.name ?? '').localeCompare(String(b.metadata?.name ?? '')))
    .flatMap((c) => ((c.webhooks ?? []) as AnyWebhook[]));
}

const labelsOf = (o: KubeObject | undefined): Record<string, string> | undefined => (o ? ((o.metadata?.labels ?? {}) as Record<string, string>) : undefined);

function matchRequest(attrs: AdmissionAttributes): MatchRequest {
  return {
    operation: attrs.operation,
    group: attrs.spec.group,
    version: attrs.spec.version,
    resource: attrs.spec.plural,
    subresource: attrs.subresource ?? '',
    namespace: attrs.spec.namespaced ? (attrs.namespace ?? '') : '',
  };
}

function applicable(config: WebhookAdmissionConfig, attrs: AdmissionAttributes, obj: KubeObject | undefined, old: KubeObject | undefined): AnyWebhook[] {
  const configs = config.configurations();
  if (configs.length === 0) return [];
  const req = matchRequest(attrs);
  const labels: MatchLabels = {
    ...(req.namespace ? { namespaceLabels: config.namespaceLabels(req.namespace) ?? {} } : {}),
    ...(obj ? { object: labelsOf(obj)! } : {}),
    ...(old ? { oldObject: labelsOf(old)! } : {}),
  };
  return webhooksOf(configs).filter((h) => webhookApplies(h, req, labels, config.equivalents));
}

/** MutatingAdmissionWebhook: runs after the built-in mutating plugins, before the schema's validation. */
export function mutatingWebhooks(config: WebhookAdmissionConfig): AdmissionPlugin {
  return {
    name: 'MutatingAdmissionWebhook',
    before: 'SchemaValidation',
    async admit(attrs, obj, old) {
      const hooks = applicable(config, attrs, obj, old);
      if (hooks.length === 0) return;
      const warnings: string[] = [];
      // The object as each IfNeeded webhook last saw it, to tell whether it changed since.
      const seen = new Map<AnyWebhook, string>();
      let changed = false;
      const call = async (hook: AnyWebhook): Promise<void> => {
        const before = obj ? JSON.stringify(obj) : '';
        const result = await callWebhook(hook, true, attrs, obj, old, config);
        if (!result) return;
        warnings.push(...result.warnings);
        if (result.patch !== undefined && obj) {
          applyWebhookPatch(obj, result.patch);
          // What the webhook added gets its kind's defaults, as upstream defaults the patched object.
          if (attrs.defaulted) applyDefaults(attrs.spec, obj);
        }
        const after = obj ? JSON.stringify(obj) : '';
        if (after !== before) changed = true;
        if (hook.reinvocationPolicy === 'IfNeeded') seen.set(hook, after);
      };
      for (const hook of hooks) await call(hook);
      if (changed && obj) {
        for (const [hook, saw] of [...seen]) if (JSON.stringify(obj) !== saw) await call(hook);
      }
      return warnings;
    },
  };
}

/** ValidatingAdmissionWebhook: runs after validation, before ResourceQuota charges the object. */
export function validatingWebhooks(config: WebhookAdmissionConfig): AdmissionPlugin {
  return {
    name: 'ValidatingAdmissionWebhook',
    before: 'ResourceQuota',
    async admit(attrs, obj, old) {
      const hooks = applicable(config, attrs, obj, old);
      if (hooks.length === 0) return;
      const results = await Promise.allSettled(hooks.map((h) => callWebhook(h, false, attrs, obj, old, config)));
      const warnings: string[] = [];
      for (const r of results) {
        if (r.status === 'rejected') throw r.reason;
        if (r.value) warnings.push(...r.value.warnings);
      }
      return warnings;
    },
  };
}
