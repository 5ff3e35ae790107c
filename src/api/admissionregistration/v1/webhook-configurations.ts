import { f, kind, object, t, type Infer, type PrinterColumn } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn } from '../../meta/v1/index.js';
import { MutatingWebhookSchema, ValidatingWebhookSchema, type AnyWebhook } from './webhook-types.js';
import { validateWebhookConfiguration } from './validation.js';

export const ValidatingWebhookConfigurationSchema = object('ValidatingWebhookConfiguration', 'Admission webhooks that may refuse requests without changing them.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  webhooks: f(2, t.list(t.object(() => ValidatingWebhookSchema)), 'The webhooks, with the requests each is called for.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'name',
  }),
});
export type ValidatingWebhookConfiguration = Infer<typeof ValidatingWebhookConfigurationSchema>;

export const MutatingWebhookConfigurationSchema = object('MutatingWebhookConfiguration', 'Admission webhooks that may change or refuse requests.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  webhooks: f(2, t.list(t.object(() => MutatingWebhookSchema)), 'The webhooks, with the requests each is called for.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'name',
  }),
});
export type MutatingWebhookConfiguration = Infer<typeof MutatingWebhookConfigurationSchema>;

function webhooksColumn<O extends { webhooks?: unknown[] }>(): PrinterColumn<O> {
  return { name: 'Webhooks', type: 'integer', description: 'How many webhooks the configuration registers.', value: (o) => (o.webhooks ?? []).length };
}

export const ValidatingWebhookConfigurationKind = kind<ValidatingWebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  categories: ['api-extensions'],
  namespaced: false,
  schema: ValidatingWebhookConfigurationSchema,
  protoName: 'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration',
  hasGeneration: true,
  validate: (o, old) => validateWebhookConfiguration(o.webhooks as AnyWebhook[] | undefined, false, old ? ((old.webhooks ?? []) as AnyWebhook[]) : undefined),
  printerColumns: [webhooksColumn<ValidatingWebhookConfiguration>(), ageColumn<ValidatingWebhookConfiguration>()],
});

export const MutatingWebhookConfigurationKind = kind<MutatingWebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  categories: ['api-extensions'],
  namespaced: false,
  schema: MutatingWebhookConfigurationSchema,
  protoName: 'k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration',
  hasGeneration: true,
  validate: (o, old) => validateWebhookConfiguration(o.webhooks as AnyWebhook[] | undefined, true, old ? ((old.webhooks ?? []) as AnyWebhook[]) : undefined),
  printerColumns: [webhooksColumn<MutatingWebhookConfiguration>(), ageColumn<MutatingWebhookConfiguration>()],
});
