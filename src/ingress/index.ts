/** The built-in HTTP ingress controller: its start function, the default IngressClass, and the matching rules. */
export { startIngressController, type IngressController, type IngressControllerConfig } from './controller.js';
export { ensureDefaultIngressClass, servesIngress, DEFAULT_INGRESS_CLASS, SKIFF_INGRESS_CONTROLLER, DEFAULT_CLASS_ANNOTATION } from './ingress-class.js';
export { matchRoute, hostMatch, pathMatch, requestHost, requestPath, type RouteMatch } from './match.js';
