import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ListMetaSchema } from './object-meta.js';

/**
 * The generic List (kind List, apiVersion v1): items of any kind, each a whole object.
 * Typed lists (<Kind>List) have the same shape with typed items; the API server builds
 * those from each kind's schema.
 */
export const ListSchema = object('List', 'A list of objects of any kinds.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'Always List.'),
  metadata: f(1, t.object(() => ListMetaSchema), 'Standard list metadata.'),
  items: f(2, t.list(t.raw()), 'The objects, each with its own apiVersion and kind.', { required: true }),
});
export type List = Infer<typeof ListSchema>;

/** Watch event types; BOOKMARK carries only a resourceVersion, ERROR carries a Status. */
export const watchEventTypes = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const;

/** One line of a watch stream. */
export const WatchEventSchema = object('WatchEvent', 'One change delivered by a watch.', {
  type: f(1, t.enum(...watchEventTypes), 'What happened: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.', { required: true }),
  object: f(2, t.raw(), 'The object after the change (before it, for DELETED); a Status for ERROR.', { required: true }),
});
export type WatchEvent = Infer<typeof WatchEventSchema>;
