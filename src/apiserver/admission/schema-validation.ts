import { applyDefaults, validateObject } from '../../api/schema/index.js';
import { validateStatusUpdate } from '../../api/schema/validate.js';
import type { FieldError } from '../../machinery/field-errors.js';
import { invalid } from '../resources/errors.js';
import type { AdmissionPlugin } from './types.js';

/**
 * Defaults then validates every created or updated object against its kind's schema
 * (422 Invalid with one cause per field error, as kube-apiserver's strategies do). An
 * update through the status subresource validates only what it can change, metadata and
 * status (prepareUpdate copied the rest from the stored object), as upstream's status
 * strategies do; defaults still run on the whole object, so what is stored is unchanged.
 * Other subresources' updates reach the kind's hook with their name (their own rules).
 */
export const schemaValidation: AdmissionPlugin = {
  name: 'SchemaValidation',
  admit(attrs, obj, old) {
    if (!obj || (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE')) return;
    if (!attrs.defaulted) applyDefaults(attrs.spec, obj);
    const errs =
      attrs.operation === 'UPDATE' && attrs.subresource === 'status' && old
        ? validateStatusUpdate(attrs.spec, obj, old)
        : attrs.operation === 'UPDATE'
          ? validateObject(attrs.spec, obj, old, attrs.subresource)
          : validateObject(attrs.spec, obj);
    if (errs.length > 0) throw invalid(attrs.spec, attrs.name, errs as FieldError[]);
  },
};
