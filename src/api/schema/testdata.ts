/**
 * A test-only kind that uses every feature of the DSL (not served, not exported from
 * index.ts): the schema engine's tests run against it as well as against the registry.
 */
import { f, kind, object, t, type Infer, type ObjectSchema, type SchemaFieldError } from './dsl.js';
import { ObjectMetaSchema } from '../meta/v1/index.js';

export const GadgetPortSchema = object('GadgetPort', 'A named port.', {
  name: f(1, t.string('dns1123-label'), 'Port name.', { required: true }),
  port: f(2, t.int32(), 'Port number.', { required: true, minimum: 1, maximum: 65535 }),
  protocol: f(3, t.enum('TCP', 'UDP', 'SCTP'), 'Protocol.', { default: 'TCP' }),
});

export const GadgetPartSchema = object(
  'GadgetPart',
  'A part of a gadget.',
  {
    name: f(1, t.string(), 'Part name.', { required: true }),
    image: f(2, t.string(), 'Image.', { maxLength: 20 }),
    ports: f(3, t.list(t.object(() => GadgetPortSchema), { listType: 'map', listMapKeys: ['port', 'protocol'] }), 'Ports.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'port',
    }),
    pullPolicy: f(4, t.enum('Always', 'IfNotPresent', 'Never'), 'Pull policy.'),
    limits: f(5, t.map(t.quantity()), 'Resource limits.'),
  },
  {
    // Cross-field default: Always for ':latest' images, else IfNotPresent.
    applyDefaults: (p) => {
      if (p.pullPolicy === undefined) p.pullPolicy = p.image?.endsWith(':latest') ? 'Always' : 'IfNotPresent';
    },
  },
);

/** A recursive type (like a CRD's JSONSchemaProps). */
export interface GadgetNode {
  label?: string;
  children?: GadgetNode[];
}
export const GadgetNodeSchema: ObjectSchema<GadgetNode> = object('GadgetNode', 'A node of a tree.', {
  label: f(1, t.string(), 'Label.', { default: 'node' }),
  children: f(2, t.list(t.object(() => GadgetNodeSchema)), 'Child nodes.'),
});

export const GadgetSpecSchema = object(
  'GadgetSpec',
  'Desired state.',
  {
    replicas: f(1, t.int32(), 'Copies.', { default: 1, minimum: 0, pointer: true }),
    selector: f(2, t.map(t.string()), 'Selector.', { immutable: true }),
    parts: f(3, t.list(t.object(() => GadgetPartSchema), { listType: 'map', listMapKeys: ['name'] }), 'Parts.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    tags: f(4, t.list(t.string(), { listType: 'set' }), 'Tags.'),
    nodeName: f(5, t.string('dns1123-subdomain'), 'Node.'),
    target: f(6, t.intOrString(), 'Target port.'),
    weight: f(7, t.double(), 'Weight.'),
    enabled: f(8, t.bool(), 'Enabled.', { pointer: true }),
    payload: f(9, t.bytes(), 'Payload.'),
    extension: f(10, t.raw(), 'Anything.'),
    startedAt: f(11, t.time(), 'Start.'),
    renewedAt: f(12, t.microTime(), 'Renewal.'),
    generation: f(13, t.int64(), 'A 64-bit number.'),
    cidr: f(14, t.string('cidr'), 'A CIDR.'),
    ip: f(15, t.string('ip'), 'An IP.'),
    counts: f(16, t.list(t.int32()), 'Numbers (packed).'),
    named: f(17, t.map(t.object(() => GadgetPortSchema)), 'Ports by name.'),
    groups: f(18, t.map(t.list(t.string())), 'Lists by name (proto: wrapped).'),
    matrix: f(19, t.list(t.list(t.string())), 'Lists of lists (proto: wrapped).'),
    // An inline-embedded Go struct: flat in JSON, the message GadgetSource{1, 2} at 21 in protobuf.
    sourceName: f(1, t.string(), 'Source name.', { protoEmbeddedIn: { field: 21, message: 'GadgetSource' } }),
    sourcePath: f(2, t.string(), 'Source path.', { protoEmbeddedIn: { field: 21, message: 'GadgetSource' } }),
    tree: f(22, t.object(() => GadgetNodeSchema), 'A tree.'),
    mode: f(20, t.string(), 'Mode.', {
      validate: (v, path): SchemaFieldError[] =>
        v === 'broken' ? [{ type: 'FieldValueInvalid', field: path, message: 'mode is broken', badValue: v }] : [],
    }),
  },
  {
    validate: (spec, path) =>
      spec.replicas !== undefined && spec.replicas > 10 && !spec.parts?.length
        ? [{ type: 'FieldValueRequired', field: `${path}.parts`, message: 'needed with more than 10 replicas' }]
        : [],
  },
);

export const GadgetSchema = object('Gadget', 'A test kind.', {
  apiVersion: f(0, t.string(), 'API version.'),
  kind: f(0, t.string(), 'Kind.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Metadata.'),
  spec: f(2, t.object(() => GadgetSpecSchema), 'Spec.'),
});
export type Gadget = Infer<typeof GadgetSchema>;

export const GadgetKind = kind<Gadget>({
  group: 'test.skiff.dev',
  version: 'v1',
  kind: 'Gadget',
  plural: 'gadgets',
  singular: 'gadget',
  namespaced: true,
  schema: GadgetSchema,
  printerColumns: [
    { name: 'Replicas', type: 'integer', description: 'Copies.', value: (g) => g.spec?.replicas },
    { name: 'Node', type: 'string', description: 'Node.', priority: 1, value: (g) => g.spec?.nodeName },
    { name: 'Age', type: 'date', description: 'Age.', value: (g) => g.metadata?.creationTimestamp },
  ],
  validate: (g) =>
    g.metadata?.name === 'forbidden' ? [{ type: 'FieldValueForbidden', field: 'metadata.name', message: 'reserved name' }] : [],
});
