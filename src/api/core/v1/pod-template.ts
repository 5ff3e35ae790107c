import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { PodSpecSchema } from './pod-spec.js';

/** The pod a controller (Deployment, Job, DaemonSet…) creates: metadata plus PodSpec. */
export const PodTemplateSpecSchema = object('PodTemplateSpec', 'Metadata and spec of pods created from a template.', {
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Labels and annotations given to the created pods.'),
  spec: f(2, t.object(() => PodSpecSchema), 'Spec of the created pods.'),
});
export type PodTemplateSpec = Infer<typeof PodTemplateSpecSchema>;

export const PodTemplateSchema = object('PodTemplate', 'A stored pod template.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  template: f(2, t.object(() => PodTemplateSpecSchema), 'The pod template.'),
});
export type PodTemplate = Infer<typeof PodTemplateSchema>;

const none = (s: string): string => (s === '' ? '<none>' : s);

/** "k=v,k2=v2" sorted by key, as kubectl's labels.FormatLabels prints. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return none(keys.map((k) => `${k}=${labels![k]}`).join(','));
}

export const PodTemplateKind = kind<PodTemplate>({
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  schema: PodTemplateSchema,
  protoName: 'k8s.io.api.core.v1.PodTemplate',
  printerColumns: [
    {
      name: 'Containers',
      type: 'string',
      description: 'Names of the template’s containers.',
      value: (pt) => (pt.template?.spec?.containers ?? []).map((c) => c.name ?? '').join(','),
    },
    {
      name: 'Images',
      type: 'string',
      description: 'Images of the template’s containers.',
      value: (pt) => (pt.template?.spec?.containers ?? []).map((c) => c.image ?? '').join(','),
    },
    { name: 'Pod Labels', type: 'string', description: 'Labels of the created pods.', value: (pt) => formatLabels(pt.template?.metadata?.labels) },
  ],
});
