/**
 * The core/v1 validation hooks use the shared field-error constructors (meta/v1), under
 * the short name `fe`, plus small path helpers.
 */
export { fieldError as fe } from '../../meta/v1/field-errors.js';

/** Path helpers: `child('spec', 'containers')` → 'spec.containers'; index → 'x[0]'; key → 'x[k]'. */
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
