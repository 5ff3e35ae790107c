import type { Ingress } from '../api/networking/v1/ingress.js';
import { IngressClassKind, type IngressClass } from '../api/networking/v1/ingress-class.js';
import { INGRESS_CLASS_ANNOTATION } from '../api/networking/v1/ingress-validation.js';
import type { RestClient } from '../client/rest-client.js';
import { isAlreadyExists } from '../client/status-error.js';

/** The class name skiff's ingress controller serves unless told otherwise (k3s ships "traefik"). */
export const DEFAULT_INGRESS_CLASS = 'skiff';
/** spec.controller of skiff's IngressClass. */
export const SKIFF_INGRESS_CONTROLLER = 'skiff.io/ingress';
/** Marks the class that Ingresses without one belong to. */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** True when the IngressClass says it is the cluster's default. */
export const isDefaultClass = (ic: IngressClass | undefined): boolean => ic?.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';

/**
 * Whether the controller serving `className` serves this Ingress: its class (the field, or
 * the deprecated annotation older manifests still carry) names it; or it names none and
 * `className`'s IngressClass is the default one.
 */
export function servesIngress(ing: Ingress, className: string, classes: ReadonlyMap<string, IngressClass>): boolean {
  const named = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (named) return named === className;
  return isDefaultClass(classes.get(className));
}

/**
 * Creates the default IngressClass `className` (controller skiff.io/ingress) when the
 * cluster has no IngressClass at all — as k3s installs Traefik's — so plain Ingresses are
 * served out of the box, and a cluster whose admin chose another controller is left alone.
 * Returns true when it created the class.
 */
export async function ensureDefaultIngressClass(client: RestClient, className: string = DEFAULT_INGRESS_CLASS): Promise<boolean> {
  const classes = client.resource<IngressClass>(IngressClassKind);
  const existing = await classes.list({ limit: 1 });
  if (existing.items.length > 0) return false;
  try {
    await classes.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: className, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
      spec: { controller: SKIFF_INGRESS_CONTROLLER },
    });
    return true;
  } catch (err) {
    // Another server of the cluster made it first.
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}
