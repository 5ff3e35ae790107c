import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { parse } from 'yaml';
import { encodeOpenApiV2, openApiV2Document, toV2Schema } from './openapi-v2.js';

test('v3 schemas become Swagger 2.0 definitions', () => {
  assert.deepEqual(toV2Schema({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }], description: 'Spec.' }), {
    $ref: '#/definitions/io.k8s.api.core.v1.PodSpec',
    description: 'Spec.',
  });
  assert.deepEqual(toV2Schema({ description: 'An int or a string.', format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }), {
    description: 'An int or a string.',
    format: 'int-or-string',
    type: 'string',
  });
  assert.deepEqual(
    toV2Schema({
      type: 'array',
      items: { allOf: [{ $ref: '#/components/schemas/C' }] },
      'x-kubernetes-patch-merge-key': 'name',
      nullable: true,
    }),
    { type: 'array', items: { $ref: '#/definitions/C' }, 'x-kubernetes-patch-merge-key': 'name' },
  );
  assert.deepEqual(toV2Schema({ type: 'object', additionalProperties: { type: 'string' }, properties: { a: { allOf: [{ $ref: '#/components/schemas/X' }] } } }), {
    type: 'object',
    additionalProperties: { type: 'string' },
    properties: { a: { $ref: '#/definitions/X' } },
  });
});

// An independent reading of the gnostic messages the encoder writes (openapi.v2, OpenAPIv2.proto).
const root = protobuf.Root.fromJSON({
  nested: {
    Any: { fields: { yaml: { type: 'string', id: 2 } } },
    NamedAny: { fields: { name: { type: 'string', id: 1 }, value: { type: 'Any', id: 2 } } },
    Info: { fields: { title: { type: 'string', id: 1 }, version: { type: 'string', id: 2 } } },
    TypeItem: { fields: { value: { rule: 'repeated', type: 'string', id: 1 } } },
    ItemsItem: { fields: { schema: { rule: 'repeated', type: 'Schema', id: 1 } } },
    AdditionalPropertiesItem: { fields: { schema: { type: 'Schema', id: 1 }, boolean: { type: 'bool', id: 2 } } },
    NamedSchema: { fields: { name: { type: 'string', id: 1 }, value: { type: 'Schema', id: 2 } } },
    Properties: { fields: { additionalProperties: { rule: 'repeated', type: 'NamedSchema', id: 1 } } },
    Definitions: { fields: { additionalProperties: { rule: 'repeated', type: 'NamedSchema', id: 1 } } },
    Schema: {
      fields: {
        ref: { type: 'string', id: 1 },
        format: { type: 'string', id: 2 },
        description: { type: 'string', id: 4 },
        required: { rule: 'repeated', type: 'string', id: 19 },
        enum: { rule: 'repeated', type: 'Any', id: 20 },
        additionalProperties: { type: 'AdditionalPropertiesItem', id: 21 },
        type: { type: 'TypeItem', id: 22 },
        items: { type: 'ItemsItem', id: 23 },
        properties: { type: 'Properties', id: 25 },
        vendorExtension: { rule: 'repeated', type: 'NamedAny', id: 31 },
      },
    },
    Document: { fields: { swagger: { type: 'string', id: 1 }, info: { type: 'Info', id: 2 }, definitions: { type: 'Definitions', id: 9 } } },
  },
});

test('the protobuf encoding decodes as gnostic openapi.v2.Document', () => {
  const v3 = {
    components: {
      schemas: {
        'io.k8s.api.core.v1.ConfigMap': {
          description: 'Holds configuration data.',
          type: 'object',
          required: ['metadata'],
          properties: {
            data: { type: 'object', additionalProperties: { type: 'string' } },
            list: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/Item' }] }, 'x-kubernetes-patch-merge-key': 'name' },
            mode: { type: 'string', enum: ['A', 'B'] },
          },
          'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
        },
      },
    },
  };
  const doc = openApiV2Document([v3], 'v1.32.4');
  const decoded = root.lookupType('Document').toObject(root.lookupType('Document').decode(encodeOpenApiV2(doc))) as any;
  assert.equal(decoded.swagger, '2.0');
  assert.deepEqual(decoded.info, { title: 'Kubernetes', version: 'v1.32.4' });
  const [def] = decoded.definitions.additionalProperties;
  assert.equal(def.name, 'io.k8s.api.core.v1.ConfigMap');
  const s = def.value;
  assert.equal(s.description, 'Holds configuration data.');
  assert.deepEqual(s.type.value, ['object']);
  assert.deepEqual(s.required, ['metadata']);
  const props = Object.fromEntries(s.properties.additionalProperties.map((p: any) => [p.name, p.value]));
  assert.deepEqual(props.data.additionalProperties.schema.type.value, ['string']);
  assert.equal(props.list.items.schema[0].ref, '#/definitions/Item');
  assert.deepEqual(props.list.vendorExtension.map((e: any) => [e.name, parse(e.value.yaml)]), [['x-kubernetes-patch-merge-key', 'name']]);
  assert.deepEqual(props.mode.enum.map((e: any) => parse(e.yaml)), ['A', 'B']);
  assert.deepEqual(parse(s.vendorExtension[0].value.yaml), [{ group: '', kind: 'ConfigMap', version: 'v1' }]);
});
