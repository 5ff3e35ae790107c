import type { KubeObject } from '../watch-cache/cached-object.js';
import { newestDefaultName, type ClassMeta } from './newest-default.js';
import type { AdmissionPlugin } from './types.js';

/** Marks the IngressClass that Ingresses without one get. */
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The class annotation Ingresses used before spec.ingressClassName; an Ingress with it keeps it. */
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * Kubernetes' DefaultIngressClass admission: an Ingress created with no ingressClassName and
 * no class annotation gets the default IngressClass's name (`kubectl get ingress` then shows
 * its CLASS). With no default class the Ingress is left alone.
 */
export function defaultIngressClass(config: { listClasses: () => readonly KubeObject[] }): AdmissionPlugin {
  return {
    name: 'DefaultIngressClass',
    admit(attrs, obj) {
      if (attrs.operation !== 'CREATE' || attrs.subresource || !obj) return;
      if (attrs.spec.group !== 'networking.k8s.io' || attrs.spec.plural !== 'ingresses') return;
      const ing = obj as KubeObject & { spec?: { ingressClassName?: string | null } };
      if (ing.spec?.ingressClassName != null || ing.metadata?.annotations?.[CLASS_ANNOTATION] !== undefined) return;
      const name = newestDefaultName(config.listClasses() as ClassMeta[], (c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
      if (name !== undefined) (ing.spec ??= {}).ingressClassName = name;
    },
  };
}
