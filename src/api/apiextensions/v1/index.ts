import type { KindSpec } from '../../schema/dsl.js';
import { CustomResourceDefinitionKind } from './custom-resource-definition.js';

export * from './json-schema-props.js';
export * from './custom-resource-definition.js';
export * from './crd-validation.js';

/** Every apiextensions.k8s.io/v1 kind, in the order discovery lists them. */
export const apiextensionsV1Kinds: readonly KindSpec[] = [CustomResourceDefinitionKind];
export * from './custom-resource-kind.js';
