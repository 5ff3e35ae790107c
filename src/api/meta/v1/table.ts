import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ListMetaSchema, ObjectMetaSchema } from './object-meta.js';

// Table and its parts have no protobuf form upstream (+protobuf=false): proto numbers are 0.

export const TableColumnDefinitionSchema = object('TableColumnDefinition', 'One column of a Table.', {
  name: f(0, t.string(), 'Human-readable column name.', { required: true }),
  type: f(0, t.string(), 'OpenAPI type of the cells: string, integer, number, boolean or date.', { required: true }),
  format: f(0, t.string(), 'OpenAPI format modifier; "name" marks the object-name column.', { required: true }),
  description: f(0, t.string(), 'Human-readable description of the column.', { required: true }),
  priority: f(0, t.int32(), '0 for always shown; higher values only with -o wide.', { required: true }),
});
export type TableColumnDefinition = Infer<typeof TableColumnDefinitionSchema>;

export const TableRowConditionSchema = object('TableRowCondition', 'A hint about a row, e.g. that it has completed.', {
  type: f(0, t.string(), 'Condition type; only Completed is defined.', { required: true }),
  status: f(0, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  reason: f(0, t.string(), 'Machine-readable reason.'),
  message: f(0, t.string(), 'Human-readable details.'),
});

export const TableRowSchema = object('TableRow', 'One object rendered as cells.', {
  cells: f(0, t.list(t.raw()), 'One value per column: string, number, boolean or null.', { required: true }),
  conditions: f(0, t.list(t.object(() => TableRowConditionSchema)), 'Row-level hints for display.'),
  object: f(0, t.raw(), 'The object itself, its metadata only (PartialObjectMetadata), or nothing, per includeObject.'),
});
export type TableRow = Infer<typeof TableRowSchema>;

/** What the server returns for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. */
export const TableSchema = object('Table', 'Objects rendered as rows of server-chosen columns.', {
  apiVersion: f(0, t.string(), 'Always meta.k8s.io/v1.'),
  kind: f(0, t.string(), 'Always Table.'),
  metadata: f(0, t.object(() => ListMetaSchema), 'Standard list metadata.'),
  columnDefinitions: f(0, t.list(t.object(() => TableColumnDefinitionSchema)), 'The columns, in order.', { required: true }),
  rows: f(0, t.list(t.object(() => TableRowSchema)), 'One row per object.', { required: true }),
});
export type Table = Infer<typeof TableSchema>;

/** Any object reduced to its metadata (Table rows by default, and metadata-only lists). */
export const PartialObjectMetadataSchema = object('PartialObjectMetadata', 'An object reduced to its metadata.', {
  apiVersion: f(0, t.string(), 'Always meta.k8s.io/v1.'),
  kind: f(0, t.string(), 'Always PartialObjectMetadata.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
});
export type PartialObjectMetadata = Infer<typeof PartialObjectMetadataSchema>;

export const PartialObjectMetadataListSchema = object('PartialObjectMetadataList', 'A list of objects reduced to their metadata.', {
  apiVersion: f(0, t.string(), 'Always meta.k8s.io/v1.'),
  kind: f(0, t.string(), 'Always PartialObjectMetadataList.'),
  metadata: f(1, t.object(() => ListMetaSchema), 'Standard list metadata.'),
  items: f(2, t.list(t.object(() => PartialObjectMetadataSchema)), 'The objects’ metadata.', { required: true }),
});
export type PartialObjectMetadataList = Infer<typeof PartialObjectMetadataListSchema>;
