import type { KindSpec } from '../../schema/dsl.js';
import { ControllerRevisionKind } from './controller-revision.js';
import { DaemonSetKind } from './daemon-set.js';
import { DeploymentKind } from './deployment.js';
import { ReplicaSetKind } from './replica-set.js';
import { StatefulSetKind } from './stateful-set.js';

export * from './int-or-percent.js';
export * from './workload-template.js';
export * from './deployment.js';
export * from './replica-set.js';
export * from './stateful-set.js';
export * from './volume-claim-template.js';
export * from './daemon-set.js';
export * from './controller-revision.js';
export * from './well-known.js';

/** Every apps/v1 kind, in the order discovery lists them. */
export const appsV1Kinds: readonly KindSpec[] = [ControllerRevisionKind, DaemonSetKind, DeploymentKind, ReplicaSetKind, StatefulSetKind];
