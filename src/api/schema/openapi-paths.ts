/**
 * The `paths` of an OpenAPI v3 group/version document: for each resource the
 * collection, item and status paths with the operations its verbs allow, shaped like
 * kube-apiserver's (x-kubernetes-action, x-kubernetes-group-version-kind, query
 * parameters), so kubectl finds PATCH's `fieldValidation` parameter and content types.
 */
import type { KindSpec } from './dsl.js';

type Json = Record<string, unknown>;

export interface ComponentNames {
  kind: string;
  list: string;
  status: string;
  deleteOptions: string;
  patch: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** Responses (JSON only: upstream also lists YAML and protobuf, which no client reads here and which triple the document). */
function responses(codes: Record<string, string>, schema: string): Json {
  const content = { 'application/json': { schema: ref(schema) } };
  const out: Json = {};
  for (const [code, description] of Object.entries(codes)) out[code] = { description, content };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

const query = (name: string, type: string, description: string): Json => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParam = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const P = {
  pretty: query('pretty', 'string', "If 'true', the output is pretty printed."),
  dryRun: query('dryRun', 'string', 'When present (All), the request is processed but nothing is persisted.'),
  fieldManager: query('fieldManager', 'string', 'Name of the actor making the change, for field ownership.'),
  fieldValidation: query(
    'fieldValidation',
    'string',
    'How the server handles unknown or duplicate fields: Ignore drops them, Warn drops them with a warning, Strict rejects the request.',
  ),
  force: query('force', 'boolean', 'Apply requests only: take ownership of conflicting fields.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes immediately.'),
  propagationPolicy: query('propagationPolicy', 'string', 'Whether and how dependents are garbage-collected: Orphan, Background or Foreground.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  listParams: [
    query('allowWatchBookmarks', 'boolean', 'Request BOOKMARK watch events.'),
    query('continue', 'string', 'The continue token of a previous page.'),
    query('fieldSelector', 'string', 'Restricts the list by fields.'),
    query('labelSelector', 'string', 'Restricts the list by labels.'),
    query('limit', 'integer', 'Maximum number of items to return (then paginate with continue).'),
    query('resourceVersion', 'string', 'The revision to serve the list or start the watch at.'),
    query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
    query('sendInitialEvents', 'boolean', 'Start a watch with synthetic events for the current state.'),
    query('timeoutSeconds', 'integer', 'Time limit for the list or watch call.'),
    query('watch', 'boolean', 'Watch for changes instead of listing.'),
  ],
};

/** operationId pieces as upstream: 'rbac.authorization.k8s.io' → 'RbacAuthorization', '' → 'Core'. */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** All path items of one kind. */
export function pathsFor(spec: KindSpec, names: ComponentNames): Json {
  const verbs = new Set(spec.verbs ?? ALL_VERBS);
  const prefix = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
  const gvk = { group: spec.group, version: spec.version, kind: spec.kind };
  const tag = `${spec.group === '' ? 'core' : groupWord(spec.group).toLowerCase()}_${spec.version}`;
  const idBase = `${groupWord(spec.group)}${spec.version.charAt(0).toUpperCase()}${spec.version.slice(1)}`;
  const scope = spec.namespaced ? 'Namespaced' : '';
  const collection = spec.namespaced ? `${prefix}/namespaces/{namespace}/${spec.plural}` : `${prefix}/${spec.plural}`;
  const item = `${collection}/{name}`;
  const nsParam = spec.namespaced ? [pathParam('namespace', 'The namespace of the objects.')] : [];
  const nameParam = pathParam('name', `Name of the ${spec.kind}.`);

  const op = (action: string, verb: string, description: string, extra: Json): Json => ({
    description,
    operationId: `${verb}${idBase}${scope}${spec.kind}${extra['__suffix'] ?? ''}`,
    tags: [tag],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== '__suffix')),
  });
  const body = (schema: string): Json => ({ required: true, content: { 'application/json': { schema: ref(schema) } } });
  const patchBody = (): Json => {
    const types = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
    if (spec.strategicMergePatch !== false) types.splice(2, 0, 'application/strategic-merge-patch+json');
    return { required: true, content: Object.fromEntries(types.map((t) => [t, { schema: ref(names.patch) }])) };
  };
  const writeParams = [P.dryRun, P.fieldManager, P.fieldValidation];

  const out: Json = {};
  const coll: Json = { parameters: [...nsParam, P.pretty] };
  if (verbs.has('list'))
    coll['get'] = op('list', 'list', `list or watch ${spec.kind} objects`, { parameters: P.listParams, responses: responses({ 200: 'OK' }, names.list) });
  if (verbs.has('create'))
    coll['post'] = op('post', 'create', `create a ${spec.kind}`, {
      parameters: writeParams,
      requestBody: body(names.kind),
      responses: responses({ 200: 'OK', 201: 'Created', 202: 'Accepted' }, names.kind),
    });
  if (verbs.has('deletecollection'))
    coll['delete'] = op('deletecollection', 'deletecollection', `delete a collection of ${spec.kind} objects`, {
      __suffix: '',
      parameters: [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy, P.orphanDependents, ...P.listParams.filter((p) => p['name'] !== 'watch')],
      requestBody: { content: { 'application/json': { schema: ref(names.deleteOptions) } } },
      responses: responses({ 200: 'OK' }, names.status),
    });
  if (Object.keys(coll).length > 1) out[collection] = coll;

  if (spec.namespaced && verbs.has('list')) {
    out[`${prefix}/${spec.plural}`] = {
      parameters: [P.pretty],
      get: op('list', 'list', `list or watch ${spec.kind} objects across all namespaces`, {
        __suffix: 'ForAllNamespaces',
        parameters: P.listParams,
        responses: responses({ 200: 'OK' }, names.list),
      }),
    };
    // operationId must not collide with the namespaced list: ForAllNamespaces lists are unscoped.
    const get = (out[`${prefix}/${spec.plural}`] as Json)['get'] as Json;
    get['operationId'] = `list${idBase}${spec.kind}ForAllNamespaces`;
  }

  const one: Json = { parameters: [nameParam, ...nsParam, P.pretty] };
  if (verbs.has('get')) one['get'] = op('get', 'read', `read the specified ${spec.kind}`, { responses: responses({ 200: 'OK' }, names.kind) });
  if (verbs.has('update'))
    one['put'] = op('put', 'replace', `replace the specified ${spec.kind}`, {
      parameters: writeParams,
      requestBody: body(names.kind),
      responses: responses({ 200: 'OK', 201: 'Created' }, names.kind),
    });
  if (verbs.has('patch'))
    one['patch'] = op('patch', 'patch', `partially update the specified ${spec.kind}`, {
      parameters: [...writeParams, P.force],
      requestBody: patchBody(),
      responses: responses({ 200: 'OK', 201: 'Created' }, names.kind),
    });
  if (verbs.has('delete'))
    one['delete'] = op('delete', 'delete', `delete a ${spec.kind}`, {
      parameters: [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy, P.orphanDependents],
      requestBody: { content: { 'application/json': { schema: ref(names.deleteOptions) } } },
      responses: responses({ 200: 'OK', 202: 'Accepted' }, names.status),
    });
  if (Object.keys(one).length > 1) out[item] = one;

  if (spec.subresources?.status) {
    const status: Json = { parameters: [nameParam, ...nsParam, P.pretty] };
    status['get'] = op('get', 'read', `read status of the specified ${spec.kind}`, { __suffix: 'Status', responses: responses({ 200: 'OK' }, names.kind) });
    status['put'] = op('put', 'replace', `replace status of the specified ${spec.kind}`, {
      __suffix: 'Status',
      parameters: writeParams,
      requestBody: body(names.kind),
      responses: responses({ 200: 'OK', 201: 'Created' }, names.kind),
    });
    status['patch'] = op('patch', 'patch', `partially update status of the specified ${spec.kind}`, {
      __suffix: 'Status',
      parameters: [...writeParams, P.force],
      requestBody: patchBody(),
      responses: responses({ 200: 'OK', 201: 'Created' }, names.kind),
    });
    out[`${item}/status`] = status;
  }
  return out;
}
