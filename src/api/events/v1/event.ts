import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectReferenceSchema } from '../../core/v1/references.js';
import { ObjectMetaSchema, fieldError, timestampSince } from '../../meta/v1/index.js';

export const EventSeriesSchema = object('EventSeries', 'Repeats of the same event, counted instead of recorded one by one.', {
  count: f(1, t.int32(), 'Occurrences up to the last heartbeat; at least 2.', { required: true }),
  lastObservedTime: f(2, t.microTime(), 'When the last occurrence was seen.', { required: true }),
});

/**
 * core/v1 EventSource (component, host), kept under its upstream OpenAPI name. Move to
 * core/v1 when the core Event kind is declared there.
 */
export const EventSourceSchema = object(
  'EventSource',
  'Which component (and host) reported an event.',
  {
    component: f(1, t.string(), 'Reporting component, e.g. kubelet.'),
    host: f(2, t.string(), 'Node the component runs on.'),
  },
  { openApiName: 'io.k8s.api.core.v1.EventSource' },
);

export const EventSchema = object('Event', 'A report of something that happened to an object.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  eventTime: f(2, t.microTime(), 'When the event was first observed.', { required: true }),
  series: f(3, t.object(() => EventSeriesSchema), 'Repeat counting; absent for a one-off event.'),
  reportingController: f(4, t.string(), 'Controller that emitted the event, e.g. kubernetes.io/kubelet.'),
  reportingInstance: f(5, t.string(), 'Instance of that controller, e.g. kubelet-node1; at most 128 characters.'),
  action: f(6, t.string(), 'What was done (or failed), machine-readable; at most 128 characters.'),
  reason: f(7, t.string(), 'Why, CamelCase; at most 128 characters.'),
  regarding: f(8, t.object(() => ObjectReferenceSchema), 'The object the event is about.'),
  related: f(9, t.object(() => ObjectReferenceSchema), 'A secondary object involved.'),
  note: f(10, t.string(), 'Human-readable description; at most 1kB.'),
  type: f(11, t.string(), 'Normal or Warning.'),
  deprecatedSource: f(12, t.object(() => EventSourceSchema), 'core/v1 compatibility: the reporting source.'),
  deprecatedFirstTimestamp: f(13, t.time(), 'core/v1 compatibility: first occurrence.'),
  deprecatedLastTimestamp: f(14, t.time(), 'core/v1 compatibility: last occurrence.'),
  deprecatedCount: f(15, t.int32(), 'core/v1 compatibility: occurrences.'),
});
export type Event = Infer<typeof EventSchema>;

const maxShortField = 128;
const maxNoteBytes = 1024;

/** Upstream's ValidateEventCreate for events.k8s.io/v1 (the strict rules for new events). */
export function validateEventCreate(ev: Event): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (!ev.eventTime) errs.push(fieldError.required('eventTime'));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(fieldError.invalid('type', '', `has invalid value: ${ev.type ?? ''}`));
  if (!ev.reportingController) errs.push(fieldError.required('reportingController'));
  for (const k of ['reportingInstance', 'action', 'reason'] as const) {
    const v = ev[k] ?? '';
    if (v === '') errs.push(fieldError.required(k));
    else if (v.length > maxShortField) errs.push(fieldError.invalid(k, '', `can have at most ${maxShortField} characters`));
  }
  if (Buffer.byteLength(ev.note ?? '') > maxNoteBytes) errs.push(fieldError.invalid('note', '', `can have at most ${maxNoteBytes} characters`));
  if (ev.series) {
    if ((ev.series.count ?? 0) < 2) errs.push(fieldError.invalid('series.count', '', 'should be at least 2'));
    if (!ev.series.lastObservedTime) errs.push(fieldError.required('series.lastObservedTime'));
  }
  // Upstream validates the internal (core) form, so these paths carry core/v1 names.
  if (ev.deprecatedFirstTimestamp) errs.push(fieldError.invalid('firstTimestamp', '', 'needs to be unset'));
  if (ev.deprecatedLastTimestamp) errs.push(fieldError.invalid('lastTimestamp', '', 'needs to be unset'));
  if (ev.deprecatedCount) errs.push(fieldError.invalid('count', '', 'needs to be unset'));
  if (ev.deprecatedSource?.component || ev.deprecatedSource?.host) errs.push(fieldError.invalid('source', '', 'needs to be unset'));
  return errs;
}

/** Fields an events.k8s.io update may not change (upstream's ValidateEventUpdate). */
const immutableOnUpdate = ['eventTime', 'action', 'reason', 'reportingController', 'reportingInstance', 'regarding', 'related', 'type', 'note'] as const;

export function validateEventUpdate(ev: Event, old: Event): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  for (const k of immutableOnUpdate) {
    if (JSON.stringify(ev[k]) !== JSON.stringify(old[k])) errs.push(fieldError.invalid(k, ev[k] ?? null, 'field is immutable'));
  }
  return errs;
}

const age = (ts: string | undefined, now: Date) => timestampSince(ts, now);

/** FIRST SEEN: deprecatedFirstTimestamp, else eventTime. */
function firstSeen(ev: Event, now: Date): string {
  return ev.deprecatedFirstTimestamp ? age(ev.deprecatedFirstTimestamp, now) : age(ev.eventTime, now);
}

/** LAST SEEN: the series' last observation, else deprecatedLastTimestamp, else FIRST SEEN. */
export function eventLastSeen(ev: Event, now: Date): string {
  if (ev.series) return age(ev.series.lastObservedTime, now);
  return ev.deprecatedLastTimestamp ? age(ev.deprecatedLastTimestamp, now) : firstSeen(ev, now);
}

/** OBJECT: "kind/name" of the regarding object, kind lower-cased. */
export function eventObjectText(ev: Event): string {
  const k = (ev.regarding?.kind ?? '').toLowerCase();
  return ev.regarding?.name ? `${k}/${ev.regarding.name}` : k;
}

/** SOURCE: "component, host", falling back to reportingController / reportingInstance. */
export function eventSourceText(ev: Event): string {
  const component = ev.deprecatedSource?.component || ev.reportingController || '';
  const host = ev.deprecatedSource?.host || ev.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

export const EventKind = kind<Event>({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  schema: EventSchema,
  protoName: 'k8s.io.api.events.v1.Event',
  validate: (ev, old) => (old ? validateEventUpdate(ev, old) : validateEventCreate(ev)),
  fieldSelectors: {
    'regarding.kind': (e) => e.regarding?.kind ?? '',
    'regarding.namespace': (e) => e.regarding?.namespace ?? '',
    'regarding.name': (e) => e.regarding?.name ?? '',
    'regarding.uid': (e) => e.regarding?.uid ?? '',
    'regarding.apiVersion': (e) => e.regarding?.apiVersion ?? '',
    'regarding.resourceVersion': (e) => e.regarding?.resourceVersion ?? '',
    'regarding.fieldPath': (e) => e.regarding?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingController: (e) => e.reportingController ?? '',
    type: (e) => e.type ?? '',
  },
  // Upstream's event table has no leading NAME column (NAME is the last, wide-only one);
  // these are the columns after the Table engine's implicit NAME.
  printerColumns: [
    { name: 'Last Seen', type: 'string', description: 'Time since the event was last seen.', value: eventLastSeen },
    { name: 'Type', type: 'string', description: 'Normal or Warning.', value: (e) => e.type ?? '' },
    { name: 'Reason', type: 'string', description: 'Why the action was taken.', value: (e) => e.reason ?? '' },
    { name: 'Object', type: 'string', description: 'The object the event is about.', value: eventObjectText },
    { name: 'Subobject', type: 'string', priority: 1, description: 'Part of the object concerned.', value: (e) => e.regarding?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, description: 'Reporting component and host.', value: eventSourceText },
    { name: 'Message', type: 'string', description: 'What happened.', value: (e) => (e.note ?? '').trim() },
    { name: 'First Seen', type: 'string', priority: 1, description: 'Time since the event was first seen.', value: firstSeen },
    { name: 'Count', type: 'string', priority: 1, description: 'Occurrences.', value: (e) => e.series?.count ?? (e.deprecatedCount || 1) },
  ],
});
