import type { KindSpec } from '../../schema/dsl.js';
import { IngressKind } from './ingress.js';
import { IngressClassKind } from './ingress-class.js';
import { NetworkPolicyKind } from './network-policy.js';

export * from './ingress.js';
export * from './ingress-validation.js';
export * from './ingress-class.js';
export * from './network-policy.js';

/** Every networking.k8s.io/v1 kind skiff serves, in the order discovery lists them. */
export const networkingV1Kinds: readonly KindSpec[] = [IngressClassKind, IngressKind, NetworkPolicyKind];
