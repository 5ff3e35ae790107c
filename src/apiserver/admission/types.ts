import type { KindSpec } from '../../api/schema/dsl.js';
import type { UserInfo } from '../types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

/** What is being admitted (as Kubernetes' admission.Attributes). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  spec: KindSpec;
  subresource?: string;
  namespace?: string;
  name: string;
  user: UserInfo;
  dryRun: boolean;
  /** The object already carries its kind's defaults (a create applies them before recording managed fields). */
  defaulted?: boolean;
}

/**
 * One admission step. `admit` may change `obj` (mutating admission: defaults) and
 * returns warnings for the client (sent as `Warning: 299` headers), or throws an
 * `ApiError` to reject the request. `obj` is absent for DELETE; `old` for CREATE.
 */
export interface AdmissionPlugin {
  readonly name: string;
  /**
   * Run just before the plugin of this name, when the chain has it: a plugin added after
   * the built-ins can take its upstream place (PodSecurity validates before ResourceQuota
   * charges a quota for an object that would then be refused).
   */
  readonly before?: string;
  admit(attrs: AdmissionAttributes, obj: KubeObject | undefined, old: KubeObject | undefined): Promise<string[] | void> | string[] | void;
}

/** The whole admission chain, as the verbs see it. */
export interface Admission {
  admit(attrs: AdmissionAttributes, obj: KubeObject | undefined, old: KubeObject | undefined): Promise<string[]>;
}
