import type { KindSpec } from '../../schema/dsl.js';
import { MutatingWebhookConfigurationKind, ValidatingWebhookConfigurationKind } from './webhook-configurations.js';

export * from './webhook-types.js';
export * from './webhook-configurations.js';
export { validateWebhookConfiguration, splitUrl, ACCEPTED_REVIEW_VERSIONS } from './validation.js';

/** Every admissionregistration.k8s.io/v1 kind served, in the order discovery lists them. */
export const admissionregistrationV1Kinds: readonly KindSpec[] = [MutatingWebhookConfigurationKind, ValidatingWebhookConfigurationKind];
