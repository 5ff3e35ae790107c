import type { Pod } from '../../api/core/v1/pod.js';
import type { BindPlugin } from '../interfaces.js';
import { errorStatus, SUCCESS } from '../status.js';

export const DEFAULT_BINDER = 'DefaultBinder';

/** Creates a pods/binding, the only way the scheduler assigns a pod. */
export type BindFn = (pod: Pod, nodeName: string) => Promise<void>;

export function defaultBinder(bind: BindFn): BindPlugin {
  return {
    name: DEFAULT_BINDER,
    async bind(_state, pod, nodeName) {
      try {
        await bind(pod, nodeName);
        return SUCCESS;
      } catch (err) {
        return errorStatus(`binding rejected: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}
