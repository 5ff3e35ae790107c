/** Dynamic admission control: calling the webhooks of Mutating/ValidatingWebhookConfigurations. */
export { mutatingWebhooks, validatingWebhooks, type WebhookAdmissionConfig } from './plugins.js';
export { postReview, type WebhookTarget } from './client.js';
export type { ServiceLookup } from './resolve.js';
