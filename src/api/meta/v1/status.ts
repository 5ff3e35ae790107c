import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ListMetaSchema } from './object-meta.js';

/** One reason behind a failed request, usually one invalid field. */
export const StatusCauseSchema = object('StatusCause', 'One detailed reason for a failure, often tied to a field.', {
  reason: f(1, t.string(), 'Machine-readable cause, e.g. FieldValueInvalid.'),
  message: f(2, t.string(), 'Human-readable explanation of this cause.'),
  field: f(3, t.string(), 'Path of the offending field, e.g. spec.containers[0].image.'),
});
export type StatusCause = Infer<typeof StatusCauseSchema>;

export const StatusDetailsSchema = object('StatusDetails', 'Extra data about the object a Status refers to.', {
  name: f(1, t.string(), 'Name of the object concerned, when there is one.'),
  group: f(2, t.string(), 'API group of the object concerned.'),
  kind: f(3, t.string(), 'Kind (or resource) of the object concerned.'),
  uid: f(6, t.string(), 'UID of the object concerned, when there is one.'),
  causes: f(4, t.list(t.object(() => StatusCauseSchema)), 'Individual reasons for the failure.'),
  retryAfterSeconds: f(5, t.int32(), 'Seconds the client should wait before retrying.'),
});
export type StatusDetails = Infer<typeof StatusDetailsSchema>;

/** The body of every error response, and of some successful deletes. */
export const StatusSchema = object('Status', 'Outcome of a request that returns no object, or of a failure.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'Always Status.'),
  metadata: f(1, t.object(() => ListMetaSchema), 'Standard list metadata.'),
  status: f(2, t.string(), 'Success or Failure.'),
  message: f(3, t.string(), 'Human-readable description of the outcome.'),
  reason: f(4, t.string(), 'Machine-readable CamelCase reason, e.g. NotFound or Invalid.'),
  details: f(5, t.object(() => StatusDetailsSchema), 'Extra data tied to the reason.'),
  code: f(6, t.int32(), 'Suggested HTTP status code.'),
});
export type Status = Infer<typeof StatusSchema>;
