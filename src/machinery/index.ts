/**
 * machinery: pure helpers shared by every component — selectors, quantities,
 * int-or-string, patches, Status errors, field errors, names and the protobuf envelope.
 */
export type { JsonPrimitive, JsonValue, JsonObject } from './json-value.js';
export { isJsonObject, deepClone, deepEqual } from './json-value.js';

export type { SelectorOperator, Requirement, LabelSelectorObject } from './label-selector.js';
export { LabelSelector, SelectorError, newRequirement, requirementMatches, requirementToString, parseLabelSelector } from './label-selector.js';
export type { FieldOperator, FieldRequirement } from './field-selector.js';
export { FieldSelector, parseFieldSelector, escapeFieldValue, unescapeFieldValue } from './field-selector.js';

export type { QuantityFormat } from './quantity.js';
export { Quantity, QuantityError, parseQuantity } from './quantity.js';
export type { IntOrString } from './int-or-string.js';
export { IntOrStringError, parseIntOrString, scaledValue, isPercent, intValue } from './int-or-string.js';

export { PatchError } from './patch-error.js';
export type { PatchMeta, PatchMetaTable } from './patch-meta.js';
export { patchMetaFromTable } from './patch-meta.js';
export type { JsonPatchOperation } from './json-patch.js';
export { applyJsonPatch, parseJsonPatch, parseJsonPointer, escapeJsonPointerToken } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';

export type { FieldError, FieldErrorType } from './field-errors.js';
export * as fieldErrors from './field-errors.js';
export { FieldPath, renderFieldError, fieldErrorBody, aggregateFieldErrors } from './field-errors.js';
export type { Status, StatusCause, StatusDetails, StatusReason, GroupResource, GroupKind } from './status.js';
export * as statusErrors from './status.js';
export { ApiError, toApiError, OPTIMISTIC_LOCK_MESSAGE } from './status.js';

export {
  generateName, isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue,
  validateLabels, validateAnnotations, NAME_SUFFIX_ALPHABET, TOTAL_ANNOTATION_SIZE_LIMIT,
} from './names.js';

export type { ProtobufEnvelope, Reader as ProtobufReader, Writer as ProtobufWriter } from './protobuf-envelope.js';
export {
  ProtobufError, PROTOBUF_MAGIC, WireType, decodeEnvelope, encodeEnvelope, hasProtobufMagic, forEachField, enterMessage,
  expectWireType, createReader, createWriter,
} from './protobuf-envelope.js';
