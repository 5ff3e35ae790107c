/** The schema engine: the DSL and everything derived from a kind's declaration. */
export * from './dsl.js';
export { validateObject, validateValue } from './validate.js';
export { nameProblems, nameFormatOf, ANNOTATIONS_MAX_BYTES } from './validate-meta.js';
export { applyDefaults, applyDefaultsToValue } from './defaults.js';
export { pruneUnknownFields, unknownFieldMessage } from './prune.js';
