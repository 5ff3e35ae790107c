import { applyDefaults, validateObject } from '../../api/schema/index.js';
import type { FieldError } from '../../machinery/field-errors.js';
import { invalid } from '../resources/errors.js';
import type { AdmissionPlugin } from './types.js';

/**
 * Defaults then validates every created or updated object against its kind's schema
 * (422 Invalid with one cause per field error, as kube-apiserver's strategies do).
 */
export const schemaValidation: AdmissionPlugin = {
  name: 'SchemaValidation',
  admit(attrs, obj, old) {
    if (!obj || (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE')) return;
    if (!attrs.defaulted) applyDefaults(attrs.spec, obj);
    const errs = validateObject(attrs.spec, obj, attrs.operation === 'UPDATE' ? old : undefined);
    if (errs.length > 0) throw invalid(attrs.spec, attrs.name, errs as FieldError[]);
  },
};
