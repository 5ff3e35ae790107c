/** skiff's own version, and the Kubernetes release whose API it speaks. */
export const SKIFF_VERSION = '0.1.0';
/** Minor 32: gcloud's kubectl dispatcher then runs kubectl 1.32 (see notes/kubectl-wire.md §0). */
export const KUBERNETES_VERSION = 'v1.32.4';
