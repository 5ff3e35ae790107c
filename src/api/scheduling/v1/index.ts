import type { KindSpec } from '../../schema/dsl.js';
import { PriorityClassKind } from './priority-class.js';

export * from './priority-class.js';

/** Every scheduling.k8s.io/v1 kind, in the order discovery lists them. */
export const schedulingV1Kinds: readonly KindSpec[] = [PriorityClassKind];
