/** Admission: the checks and defaults every write passes before it is stored. */
export type { Admission, AdmissionAttributes, AdmissionPlugin } from './types.js';
export { AdmissionChain } from './chain.js';
export { schemaValidation } from './schema-validation.js';
export { createStrategy, podQosClass } from './create-strategy.js';
export { serviceAllocation, type ServiceAllocationConfig } from './service-allocation.js';
export { namespaceLifecycle, SYSTEM_NAMESPACES } from './namespace-lifecycle.js';
export { ensureSystemNamespaces } from './system-namespaces.js';
export { ensureSystemPriorityClasses } from './system-priority-classes.js';
export { defaultTolerationSeconds, addDefaultTolerations, DEFAULT_TOLERATION_SECONDS } from './default-toleration-seconds.js';
export { priorityAdmission } from './priority.js';
export { defaultStorageClass } from './default-storage-class.js';
export { defaultIngressClass } from './default-ingress-class.js';
export { limitRanger } from './limit-ranger.js';
export { resourceQuotaAdmission } from './resource-quota.js';
export { serviceAccountAdmission, SERVICE_ACCOUNT_MOUNT_PATH } from './service-account.js';
export { podSecurityAdmission, type PodSecurityConfig, type PodSecurityAuditRecord } from './pod-security.js';
export { csrStrategy, certificateAdmission } from './certificate-signing-requests.js';
export { mutatingWebhooks, validatingWebhooks, type WebhookAdmissionConfig } from './webhooks/index.js';
