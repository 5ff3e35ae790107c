/** The schema engine: the DSL and everything derived from a kind's declaration. */
export * from './dsl.js';
export { validateObject, validateValue } from './validate.js';
export { nameProblems, nameFormatOf, ANNOTATIONS_MAX_BYTES } from './validate-meta.js';
export { applyDefaults, applyDefaultsToValue } from './defaults.js';
export { pruneUnknownFields, unknownFieldMessage } from './prune.js';
export { decodeObject, encodeObject, SchemaCodecError } from './protobuf.js';
export { sampleObject, sampleValue, type SampleOptions } from './sample.js';
export { toTable, type TableOptions, type IncludeObject } from './table.js';
export { patchMetaFor, type PatchMeta } from './patch-meta.js';
export { openApiV3Document, type OpenApiGroupVersion, type OpenApiOptions } from './openapi.js';
export { componentName, packageForGroup } from './openapi-names.js';
export { duplicateFields, duplicateFieldMessage } from './duplicate-fields.js';
export { normalizeObject } from './normalize.js';
