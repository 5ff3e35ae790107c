// @ts-check
/** Services: type, cluster IP, external IPs and ports, as `kubectl get svc` shows them. */
import { resourcePath } from '../api.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

/** @param {any} s */
export function servicePorts(s) {
  const ports = s.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((/** @type {any} */ p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

/** @param {any} s */
function externalIps(s) {
  const ips = [...(s.status?.loadBalancer?.ingress ?? []).map((/** @type {any} */ i) => i.ip ?? i.hostname), ...(s.spec?.externalIPs ?? [])];
  if (ips.length) return ips.join(',');
  if (s.spec?.type === 'ExternalName') return s.spec.externalName ?? '';
  return s.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>';
}

/** @type {import('./context.js').View} */
export function servicesView(root, ctx) {
  const frame = viewFrame(root, 'Services', ctx);
  /** @param {any} s */
  const pathOf = (s) => resourcePath({ version: 'v1', resource: 'services', namespace: s.metadata.namespace, name: s.metadata.name });
  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'services' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Services',
        empty: 'No services.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (s) => objectLink(pathOf(s), s.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ s) => s.metadata.namespace }]),
          { title: 'Type', cell: (s) => s.spec?.type ?? 'ClusterIP' },
          { title: 'Cluster IP', cell: (s) => s.spec?.clusterIP ?? '<none>' },
          { title: 'External IP', cell: (s) => externalIps(s) },
          { title: 'Ports', cell: (s) => servicePorts(s) },
          { title: 'Age', cell: (s) => age(s.metadata.creationTimestamp, ctx.now()) },
        ],
      }),
  });
}
