import { PriorityClassKind, systemPriorityClasses } from '../../api/scheduling/v1/priority-class.js';
import type { Store } from '../../storage/store.js';
import { forbidden } from '../resources/errors.js';
import { resourcePrefix } from '../resources/keys.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';

interface ClassInfo {
  name: string;
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/**
 * Kubernetes' Priority admission plugin. On pod create: `spec.priority` (and
 * `preemptionPolicy`) come from `spec.priorityClassName`, or from the globalDefault class
 * when none is named (0 when there is none); an unknown class is refused with 403
 * `no PriorityClass with name X was found`, as is a pod giving a priority that differs
 * from its class's. On PriorityClass create/update: only one class may be globalDefault.
 * The system classes (system-cluster-critical, system-node-critical) resolve even when
 * they are not stored.
 */
export function priorityAdmission(config: {
  store: Store;
  /** A fast lookup of all PriorityClasses (e.g. the watch cache); the store is asked otherwise. */
  listClasses?: () => KubeObject[] | undefined;
}): AdmissionPlugin {
  // Every pod create reads every class; cached objects never change, so each is summarized once.
  const infos = new WeakMap<KubeObject, ClassInfo>();
  const infoOf = (o: KubeObject): ClassInfo => {
    let info = infos.get(o);
    if (!info) {
      const pc = o as KubeObject & { value?: number; globalDefault?: boolean; preemptionPolicy?: string };
      info = { name: pc.metadata?.name ?? '', value: pc.value ?? 0, ...(pc.globalDefault ? { globalDefault: true } : {}), ...(pc.preemptionPolicy ? { preemptionPolicy: pc.preemptionPolicy } : {}) };
      infos.set(o, info);
    }
    return info;
  };
  const classes = async (fromStore = false): Promise<ClassInfo[]> => {
    const objs = (fromStore ? undefined : config.listClasses?.()) ?? (await config.store.list(resourcePrefix(PriorityClassKind))).items.map(decodeStored);
    const out: ClassInfo[] = objs.map(infoOf);
    for (const [name, value] of Object.entries(systemPriorityClasses)) if (!out.some((c) => c.name === name)) out.push({ name, value, preemptionPolicy: 'PreemptLowerPriority' });
    return out;
  };
  return {
    name: 'Priority',
    async admit(attrs, obj) {
      if (!obj || attrs.subresource) return;
      const spec = attrs.spec;
      if (spec.group === 'scheduling.k8s.io' && spec.plural === 'priorityclasses' && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')) {
        if (!(obj as { globalDefault?: boolean }).globalDefault) return;
        const other = (await classes(true)).find((c) => c.globalDefault && c.name !== attrs.name);
        if (other) throw forbidden(spec, attrs.name, `PriorityClass ${other.name} is already marked as default. Only one default can exist`);
        return;
      }
      if (attrs.operation !== 'CREATE' || spec.group !== '' || spec.plural !== 'pods') return;
      const podSpec = ((obj as { spec?: Record<string, unknown> }).spec ??= {});
      const name = typeof podSpec.priorityClassName === 'string' ? podSpec.priorityClassName : '';
      const all = await classes();
      let chosen: ClassInfo | undefined;
      if (name) {
        // A class created a moment ago may not be in the cache yet: ask the store before refusing.
        chosen = all.find((c) => c.name === name) ?? (await classes(true)).find((c) => c.name === name);
        if (!chosen) throw forbidden(spec, attrs.name, `no PriorityClass with name ${name} was found`);
      } else {
        // The highest globalDefault class wins if several slipped in.
        chosen = all.filter((c) => c.globalDefault).sort((a, b) => b.value - a.value)[0];
      }
      const value = chosen?.value ?? 0;
      if (typeof podSpec.priority === 'number' && podSpec.priority !== value) {
        throw forbidden(spec, attrs.name, `the integer value of priority (${podSpec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
      }
      podSpec.priority = value;
      if (chosen) {
        podSpec.priorityClassName = chosen.name;
        if (chosen.preemptionPolicy) podSpec.preemptionPolicy ??= chosen.preemptionPolicy;
      }
    },
  };
}
