/**
 * Labels, annotations, condition types and reasons the apps controllers write, with the
 * exact strings kubectl (rollout status/history/undo, describe) and other tools read.
 */

export const appsLabels = {
  /** On a Deployment's ReplicaSets and their pods: hash of the pod template. */
  podTemplateHash: 'pod-template-hash',
  /** On StatefulSet and DaemonSet pods: the ControllerRevision name suffix they were made from. */
  controllerRevisionHash: 'controller-revision-hash',
  /** On StatefulSet pods: the pod's own name (for per-pod Services). */
  statefulSetPodName: 'statefulset.kubernetes.io/pod-name',
  /** On StatefulSet pods: the ordinal. */
  podIndex: 'apps.kubernetes.io/pod-index',
  /** On DaemonSet pods (deprecated, still written): the template generation. */
  daemonSetTemplateGeneration: 'pod-template-generation',
} as const;

export const deploymentAnnotations = {
  /** On Deployments and their ReplicaSets: the rollout revision number. */
  revision: 'deployment.kubernetes.io/revision',
  /** On ReplicaSets: revisions this ReplicaSet served before (comma-separated). */
  revisionHistory: 'deployment.kubernetes.io/revision-history',
  /** On ReplicaSets: the Deployment's desired replicas when last scaled. */
  desiredReplicas: 'deployment.kubernetes.io/desired-replicas',
  /** On ReplicaSets: desired replicas plus maxSurge. */
  maxReplicas: 'deployment.kubernetes.io/max-replicas',
  /** Copied from Deployment to ReplicaSet; `kubectl rollout history` shows it as CHANGE-CAUSE. */
  changeCause: 'kubernetes.io/change-cause',
  /** Set by `kubectl rollout restart` on the pod template. */
  restartedAt: 'kubectl.kubernetes.io/restartedAt',
} as const;

/** Deployment condition types. */
export const deploymentConditionTypes = { available: 'Available', progressing: 'Progressing', replicaFailure: 'ReplicaFailure' } as const;

/** Reasons the deployment controller sets on its conditions (kubectl matches ProgressDeadlineExceeded). */
export const deploymentConditionReasons = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  failedCreate: 'FailedCreate',
  deploymentPaused: 'DeploymentPaused',
  deploymentResumed: 'DeploymentResumed',
} as const;
