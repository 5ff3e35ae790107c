import type { SchemaFieldError } from '../../schema/dsl.js';
import type { Container, ContainerPort, EphemeralContainer } from './container.js';
import type { EnvVar } from './env.js';
import { child, fe, index } from './field-errors.js';
import { isDns1123Label, isEnvVarName, isValidPortName, isValidPortNum } from './names.js';
import type { LifecycleHandler, Probe } from './probe.js';
import { validateResourceRequirements } from './resources.js';

type AnyContainer = Container | EphemeralContainer;

/** Kind of container list, which decides what a container may set. */
export type ContainerRole = 'container' | 'initContainer' | 'ephemeralContainer';

/** Container fields an ephemeral container may not set, in upstream's field order (its error order). */
const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;

/** Probe checks: exactly one handler, positive periods, and successThreshold 1 where required. */
export function validateProbe(probe: Probe | undefined, path: string, mustSucceedOnce: boolean): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (!probe) return errs;
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => probe[h] != null);
  if (handlers.length === 0) errs.push(fe.required(path, 'must specify a handler type'));
  for (const h of handlers.slice(1)) errs.push(fe.forbidden(child(path, h), 'may not specify more than 1 handler type'));
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[k];
    if (v !== undefined && v < 0) errs.push(fe.invalid(child(path, k), v, 'must be greater than or equal to 0'));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(fe.invalid(child(path, 'successThreshold'), probe.successThreshold, 'must be 1'));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(fe.invalid(child(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateLifecycleHandler(h: LifecycleHandler | undefined, path: string): SchemaFieldError[] {
  if (!h) return [];
  const set = (['exec', 'httpGet', 'tcpSocket', 'sleep'] as const).filter((k) => h[k] != null);
  if (set.length === 0) return [fe.required(path, 'must specify a handler type')];
  const errs = set.slice(1).map((k) => fe.forbidden(child(path, k), 'may not specify more than 1 handler type'));
  if (h.sleep && h.sleep.seconds !== undefined && h.sleep.seconds < 0) {
    errs.push(fe.invalid(child(child(path, 'sleep'), 'seconds'), h.sleep.seconds, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** Ports: numbers in range, protocol present, names valid and unique within the container. */
export function validateContainerPorts(ports: readonly ContainerPort[] | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((p, i) => {
    const pp = index(path, i);
    if (p.name) {
      for (const msg of isValidPortName(p.name)) errs.push(fe.invalid(child(pp, 'name'), p.name, msg));
      if (names.has(p.name)) errs.push(fe.duplicate(child(pp, 'name'), p.name));
      names.add(p.name);
    }
    // An absent containerPort is reported by the schema (required); 0 is Kubernetes' "unset".
    if (p.containerPort === 0) errs.push(fe.required(child(pp, 'containerPort'), ''));
    else if (p.containerPort !== undefined) for (const msg of isValidPortNum(p.containerPort)) errs.push(fe.invalid(child(pp, 'containerPort'), p.containerPort, msg));
    if (p.hostPort) for (const msg of isValidPortNum(p.hostPort)) errs.push(fe.invalid(child(pp, 'hostPort'), p.hostPort, msg));
    if (!p.protocol) errs.push(fe.required(child(pp, 'protocol'), ''));
  });
  return errs;
}

/** Environment variables: valid names and at most one value source. */
export function validateEnv(env: readonly EnvVar[] | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const ep = index(path, i);
    if (e.name === '') errs.push(fe.required(child(ep, 'name'), ''));
    else if (e.name !== undefined) for (const msg of isEnvVarName(e.name)) errs.push(fe.invalid(child(ep, 'name'), e.name, msg));
    const from = e.valueFrom;
    if (from) {
      const sources = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((k) => from[k] != null);
      if (sources.length === 0) errs.push(fe.invalid(child(ep, 'valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) errs.push(fe.invalid(child(ep, 'valueFrom'), '', 'may not have more than one field specified at a time'));
      if (e.value) errs.push(fe.invalid(child(ep, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
    }
  });
  return errs;
}

/**
 * One container's own checks (names across lists are checked by the caller).
 * `volumes` are the pod's volume names, for volumeMounts.
 */
export function validateContainer(c: AnyContainer, path: string, role: ContainerRole, volumes: ReadonlySet<string>): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  // Absent required fields are reported by the schema engine; hooks report only the empty string.
  if (c.name === '') errs.push(fe.required(child(path, 'name'), ''));
  else if (c.name !== undefined) for (const msg of isDns1123Label(c.name)) errs.push(fe.invalid(child(path, 'name'), c.name, msg));
  if (!c.image || c.image.trim() === '') errs.push(fe.required(child(path, 'image'), ''));
  if (!c.terminationMessagePolicy) errs.push(fe.required(child(path, 'terminationMessagePolicy'), ''));
  if (!c.imagePullPolicy) errs.push(fe.required(child(path, 'imagePullPolicy'), ''));
  errs.push(...validateContainerPorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  (c.envFrom ?? []).forEach((src, i) => {
    const sp = index(child(path, 'envFrom'), i);
    const set = (['configMapRef', 'secretRef'] as const).filter((k) => src[k] != null);
    if (set.length === 0) errs.push(fe.invalid(sp, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (set.length > 1) errs.push(fe.invalid(sp, '', 'may not have more than one field specified at a time'));
  });
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));

  // Duplicate mountPaths are reported by the schema (volumeMounts is a list-map keyed by mountPath).
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = index(child(path, 'volumeMounts'), i);
    if (m.name === '') errs.push(fe.required(child(mp, 'name'), ''));
    else if (m.name !== undefined && !volumes.has(m.name)) errs.push(fe.notFound(child(mp, 'name'), m.name));
    if (m.mountPath === '') errs.push(fe.required(child(mp, 'mountPath'), ''));
    if (m.subPath && m.subPathExpr) errs.push(fe.invalid(child(mp, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
  });

  const restartable = role === 'initContainer' && c.restartPolicy === 'Always';
  if (role === 'container' && c.restartPolicy !== undefined) {
    errs.push(fe.forbidden(child(path, 'restartPolicy'), 'may not be set for non-init containers'));
  }
  if (role === 'initContainer' && !restartable) {
    for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[k] != null) errs.push(fe.forbidden(child(path, k), 'may not be set for init containers without restartPolicy=Always'));
    }
  } else if (role === 'ephemeralContainer') {
    // Upstream allows ephemeral containers a list of fields and forbids the rest (set = not
    // the zero value), so nothing the pod relies on (ports, probes, resources) is set.
    for (const k of EPHEMERAL_FORBIDDEN) {
      const v = c[k];
      const empty = v == null || (Array.isArray(v) && v.length === 0) || (k === 'resources' && Object.values(v as object).every((x) => x == null || Object.keys(x).length === 0));
      if (!empty) errs.push(fe.forbidden(child(path, k), 'cannot be set for an Ephemeral Container'));
    }
    // A subPath is a bind mount that outlives the container until the pod ends.
    (c.volumeMounts ?? []).forEach((m, i) => {
      for (const k of ['subPath', 'subPathExpr'] as const) {
        if (m[k]) errs.push(fe.forbidden(child(index(child(path, 'volumeMounts'), i), k), 'cannot be set for an Ephemeral Container'));
      }
    });
  } else {
    errs.push(...validateProbe(c.livenessProbe, child(path, 'livenessProbe'), true));
    errs.push(...validateProbe(c.startupProbe, child(path, 'startupProbe'), true));
    errs.push(...validateProbe(c.readinessProbe, child(path, 'readinessProbe'), false));
    if (c.lifecycle) {
      errs.push(...validateLifecycleHandler(c.lifecycle.postStart, child(child(path, 'lifecycle'), 'postStart')));
      errs.push(...validateLifecycleHandler(c.lifecycle.preStop, child(child(path, 'lifecycle'), 'preStop')));
    }
  }
  return errs;
}
