import { f, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { child, fe, key } from './field-errors.js';
import { Quantity } from '../../../machinery/quantity.js';

/** Parses a quantity as JSON carries it (string or number); undefined when malformed. */
function parse(q: string | number): Quantity | undefined {
  try {
    return Quantity.parse(String(q));
  } catch {
    return undefined;
  }
}

/** A resource name → amount map (cpu, memory, ephemeral-storage, hugepages-2Mi, example.com/gpu…). */
export const resourceList = () => t.map(t.quantity());
export type ResourceList = Record<string, string | number>;

export const ResourceClaimSchema = object('ResourceClaim', 'Names one entry of the pod’s resourceClaims used by a container.', {
  name: f(1, t.string(), 'Name of the pod resource claim.', { required: true }),
  request: f(2, t.string(), 'Only this request of the claim, when set.'),
});

export const ResourceRequirementsSchema = object('ResourceRequirements', 'Compute resources a container asks for and may not exceed.', {
  limits: f(1, resourceList(), 'Most of each resource the container may use.'),
  requests: f(2, resourceList(), 'Least of each resource the container needs; used for scheduling.'),
  claims: f(3, t.list(t.object(() => ResourceClaimSchema), { listType: 'map', listMapKeys: ['name'] }), 'Dynamic resource claims the container uses.'),
});
export type ResourceRequirements = Infer<typeof ResourceRequirementsSchema>;

export const VolumeResourceRequirementsSchema = object('VolumeResourceRequirements', 'Storage a volume claim asks for.', {
  limits: f(1, resourceList(), 'Most storage the volume may use.'),
  requests: f(2, resourceList(), 'Least storage the volume needs.'),
});

export const ContainerResizePolicySchema = object('ContainerResizePolicy', 'How a container reacts when one resource is resized in place.', {
  resourceName: f(1, t.string(), 'Resource the policy applies to: cpu or memory.', { required: true }),
  restartPolicy: f(2, t.enum('NotRequired', 'RestartContainer'), 'Whether resizing the resource restarts the container.', { required: true }),
});

/** Resources whose requests may be lower than limits (everything else must be equal). */
const overcommittable = (name: string): boolean =>
  name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name === 'storage' || !name.includes('/') || name.startsWith('kubernetes.io/');

/**
 * Kubernetes' ValidateResourceRequirements: quantities parse and are non-negative,
 * hugepages and extended resources request equals limit, and no request exceeds its
 * limit. `path` is the `resources` field's path.
 */
export function validateResourceRequirements(req: ResourceRequirements | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (!req) return errs;
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = req.limits ?? {};
  const requests = req.requests ?? {};
  for (const [name, q] of Object.entries(limits)) {
    const v = parse(q);
    if (v && v.sign() < 0) errs.push(fe.invalid(key(limPath, name), v.toString(), 'must be greater than or equal to 0'));
  }
  for (const [name, q] of Object.entries(requests)) {
    const v = parse(q);
    if (!v) continue; // malformed quantities are reported by the schema's quantity type
    if (v.sign() < 0) {
      errs.push(fe.invalid(key(reqPath, name), v.toString(), 'must be greater than or equal to 0'));
      continue;
    }
    const limText = limits[name];
    const lim = limText === undefined ? undefined : parse(limText);
    if (!lim) continue;
    const isHuge = name.startsWith('hugepages-');
    if (v.cmp(lim) !== 0 && (isHuge || !overcommittable(name))) {
      errs.push(fe.invalid(reqPath, v.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
    } else if (v.cmp(lim) > 0) {
      errs.push(fe.invalid(reqPath, v.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
    }
  }
  return errs;
}
