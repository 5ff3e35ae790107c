import { f, object, t, type Infer, type ObjectSchema } from '../../schema/dsl.js';

/*
 * OpenAPI v3 schemas inside CRDs (apiextensions.k8s.io/v1 JSONSchemaProps).
 *
 * Nested schemas (properties, allOf, not…) are real recursive objects. The JSON unions
 * are t.raw(): `items` (a schema or a list of schemas), `additionalProperties` and
 * `additionalItems` (a bool or a schema), `dependencies`, and free JSON (`default`,
 * `enum`, `example`). Protobuf caveat: upstream encodes those unions as wrapper messages
 * (JSONSchemaPropsOrArray{1: schema, 2: schemas}, JSONSchemaPropsOrBool{1: allows,
 * 2: schema}), not as RawExtension; kubectl only sends CRDs as JSON, so that path is unused.
 */

export const ExternalDocumentationSchema = object('ExternalDocumentation', 'A link to more documentation.', {
  description: f(1, t.string(), 'What the link documents.'),
  url: f(2, t.string(), 'Where the documentation lives.'),
});

export const ValidationRuleSchema = object('ValidationRule', 'A CEL rule a value must satisfy.', {
  rule: f(1, t.string(), 'The CEL expression; `self` is the value at this point of the schema.', { required: true }),
  message: f(2, t.string(), 'Message shown when the rule fails.'),
  messageExpression: f(3, t.string(), 'CEL expression computing the failure message.'),
  reason: f(4, t.enum('FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'), 'Reason reported on failure.'),
  fieldPath: f(5, t.string(), 'Field reported on failure, relative to this schema.'),
  optionalOldSelf: f(6, t.bool(), 'Evaluate on create too, with oldSelf as an optional.'),
});

type JSONSchemaPropsShape = ObjectSchema<Record<string, unknown>>;
const self = (): JSONSchemaPropsShape => JSONSchemaPropsSchema as unknown as JSONSchemaPropsShape;

export const JSONSchemaPropsSchema = object('JSONSchemaProps', 'An OpenAPI v3 (JSON Schema draft 4 subset) schema.', {
  id: f(1, t.string(), 'Schema identifier.'),
  $schema: f(2, t.string(), 'URI of the meta-schema.'),
  $ref: f(3, t.string(), 'Reference to another schema (not allowed in CRDs).'),
  description: f(4, t.string(), 'What the value means.'),
  type: f(5, t.string(), 'object, array, string, integer, number or boolean.'),
  format: f(6, t.string(), 'Format of strings or numbers: int32, date-time, byte, …'),
  title: f(7, t.string(), 'Short title.'),
  default: f(8, t.raw(), 'Value applied when the field is absent.'),
  maximum: f(9, t.double(), 'Largest allowed number.'),
  exclusiveMaximum: f(10, t.bool(), 'Whether maximum itself is excluded.'),
  minimum: f(11, t.double(), 'Smallest allowed number.'),
  exclusiveMinimum: f(12, t.bool(), 'Whether minimum itself is excluded.'),
  maxLength: f(13, t.int64(), 'Longest allowed string.'),
  minLength: f(14, t.int64(), 'Shortest allowed string.'),
  pattern: f(15, t.string(), 'Regular expression strings must match.'),
  maxItems: f(16, t.int64(), 'Most items allowed in an array.'),
  minItems: f(17, t.int64(), 'Fewest items allowed in an array.'),
  uniqueItems: f(18, t.bool(), 'Whether array items must be distinct.'),
  multipleOf: f(19, t.double(), 'Numbers must be a multiple of this.'),
  enum: f(20, t.list(t.raw()), 'The allowed values.'),
  maxProperties: f(21, t.int64(), 'Most properties allowed in an object.'),
  minProperties: f(22, t.int64(), 'Fewest properties allowed in an object.'),
  required: f(23, t.list(t.string()), 'Properties that must be present.'),
  items: f(24, t.raw(), 'Schema of array items (or a list of schemas, by position).'),
  allOf: f(25, t.list(t.object(self)), 'Schemas the value must all satisfy.'),
  oneOf: f(26, t.list(t.object(self)), 'Schemas of which exactly one must be satisfied.'),
  anyOf: f(27, t.list(t.object(self)), 'Schemas of which at least one must be satisfied.'),
  not: f(28, t.object(self), 'A schema the value must not satisfy.'),
  properties: f(29, t.map(t.object(self)), 'Schemas of the object’s known properties.'),
  additionalProperties: f(30, t.raw(), 'Schema of other properties, or false to forbid them.'),
  patternProperties: f(31, t.map(t.object(self)), 'Schemas of properties whose names match a pattern.'),
  dependencies: f(32, t.raw(), 'Properties or schemas required when a property is present.'),
  additionalItems: f(33, t.raw(), 'Schema of array items beyond `items`, or false.'),
  definitions: f(34, t.map(t.object(self)), 'Named schemas for reuse.'),
  externalDocs: f(35, t.object(() => ExternalDocumentationSchema), 'Link to more documentation.'),
  example: f(36, t.raw(), 'An example value.'),
  nullable: f(37, t.bool(), 'Whether null is allowed (and kept).'),
  'x-kubernetes-preserve-unknown-fields': f(38, t.bool(), 'Keep fields the schema does not mention; must be true when set.'),
  'x-kubernetes-embedded-resource': f(39, t.bool(), 'The value is a whole object with apiVersion, kind and metadata.'),
  'x-kubernetes-int-or-string': f(40, t.bool(), 'The value is an integer or a string.'),
  'x-kubernetes-list-map-keys': f(41, t.list(t.string()), 'Keys identifying items of a map-type list.'),
  'x-kubernetes-list-type': f(42, t.enum('atomic', 'set', 'map'), 'How the list merges: atomic, set or map.'),
  'x-kubernetes-map-type': f(43, t.enum('granular', 'atomic'), 'How the map merges: granular or atomic.'),
  'x-kubernetes-validations': f(44, t.list(t.object(() => ValidationRuleSchema), { listType: 'map', listMapKeys: ['rule'] }), 'CEL rules.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'rule',
  }),
});
export type JSONSchemaProps = Infer<typeof JSONSchemaPropsSchema>;
