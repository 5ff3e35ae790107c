import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { fe } from './field-errors.js';
import { ObjectReferenceSchema } from './references.js';

export const EventSourceSchema = object('EventSource', 'Who reported an event.', {
  component: f(1, t.string(), 'Reporting component, e.g. kubelet.'),
  host: f(2, t.string(), 'Node the event was reported on.'),
});

export const EventSeriesSchema = object('EventSeries', 'Repetitions of an event.', {
  count: f(1, t.int32(), 'Occurrences so far.'),
  lastObservedTime: f(2, t.microTime(), 'Time of the latest occurrence.'),
});

export const EventSchema = object('Event', 'A report of something that happened to an object.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.', { required: true }),
  involvedObject: f(2, t.object(() => ObjectReferenceSchema), 'The object the event is about.', { required: true }),
  reason: f(3, t.string(), 'Short CamelCase reason, e.g. Scheduled or BackOff.'),
  message: f(4, t.string(), 'Human-readable description.'),
  source: f(5, t.object(() => EventSourceSchema), 'Reporter of the event (legacy).'),
  firstTimestamp: f(6, t.time(), 'When the event was first recorded.'),
  lastTimestamp: f(7, t.time(), 'When the event was last recorded.'),
  count: f(8, t.int32(), 'How many times the event occurred.'),
  type: f(9, t.string(), 'Normal or Warning.'),
  eventTime: f(10, t.microTime(), 'When the event was first observed (new-style events).'),
  series: f(11, t.object(() => EventSeriesSchema), 'Repetition data of a recurring event.'),
  action: f(12, t.string(), 'What was done or failed regarding the object.'),
  related: f(13, t.object(() => ObjectReferenceSchema), 'A secondary object involved.'),
  reportingComponent: f(14, t.string(), 'Controller that emitted the event, e.g. kubernetes.io/kubelet.', { default: '' }),
  reportingInstance: f(15, t.string(), 'Instance of that controller, e.g. kubelet-node-1.', { default: '' }),
});
export type Event = Infer<typeof EventSchema>;

/** kubectl's "kind/name" OBJECT cell. */
export function eventObject(e: Event): string {
  const io = e.involvedObject ?? {};
  const k = (io.kind ?? '').toLowerCase();
  return io.name ? `${k}/${io.name}` : k;
}

/** SOURCE cell: component (or reporting controller), then ", host" when known. */
export function eventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

const firstSeen = (e: Event): string | undefined => e.firstTimestamp || e.eventTime;
const lastSeen = (e: Event): string | undefined => (e.series ? e.series.lastObservedTime : e.lastTimestamp || firstSeen(e));
const eventCount = (e: Event): number => (e.series ? (e.series.count ?? 0) : e.count ? e.count : 1);

/** An event's involved object must live in the event's namespace (legacy ValidateEvent). */
export function validateEvent(e: Event): SchemaFieldError[] {
  const ns = e.metadata?.namespace ?? '';
  const ions = e.involvedObject?.namespace ?? '';
  if (ions !== '' && ns !== '' && ions !== ns) return [fe.invalid('involvedObject.namespace', ions, 'does not match event.namespace')];
  return [];
}

export const EventKind = kind<Event>({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  schema: EventSchema,
  protoName: 'k8s.io.api.core.v1.Event',
  validate: (e) => validateEvent(e),
  fieldSelectors: {
    'involvedObject.kind': (e) => e.involvedObject?.kind ?? '',
    'involvedObject.namespace': (e) => e.involvedObject?.namespace ?? '',
    'involvedObject.name': (e) => e.involvedObject?.name ?? '',
    'involvedObject.uid': (e) => e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingComponent: (e) => e.reportingComponent ?? '',
    source: (e) => e.source?.component || e.reportingComponent || '',
    type: (e) => e.type ?? '',
  },
  // kube-apiserver's event table has no leading NAME column (Name comes last, with -o wide);
  // the Table engine always puts NAME first, so these follow it.
  printerColumns: [
    { name: 'Last Seen', type: 'date', description: 'Time since the latest occurrence.', value: (e) => lastSeen(e) },
    { name: 'Type', type: 'string', description: 'Normal or Warning.', value: (e) => e.type ?? '' },
    { name: 'Reason', type: 'string', description: 'Why the event happened.', value: (e) => e.reason ?? '' },
    { name: 'Object', type: 'string', description: 'The object the event is about.', value: (e) => eventObject(e) },
    { name: 'Subobject', type: 'string', priority: 1, description: 'Part of the object, e.g. a container.', value: (e) => e.involvedObject?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, description: 'Who reported the event.', value: (e) => eventSource(e) },
    { name: 'Message', type: 'string', description: 'What happened.', value: (e) => (e.message ?? '').trim() },
    { name: 'First Seen', type: 'date', priority: 1, description: 'Time since the first occurrence.', value: (e) => firstSeen(e) },
    { name: 'Count', type: 'integer', priority: 1, description: 'Number of occurrences.', value: (e) => eventCount(e) },
  ],
});
