/** The Deployment controller (public face of this folder). */
export { deploymentController, newDeploymentController, isScalingEvent } from './controller.js';
export { computeHash, safeEncodeString, fnv32a } from './hash.js';
export { newReplicaSetReplicas, oldReplicaSetsScaleDown } from './rolling.js';
