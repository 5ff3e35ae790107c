// @ts-check
/** Overview: nodes (Ready, capacity, pods on each) and pod counts per phase. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age, formatBytes, formatCpu } from '../format.js';
import { liveList } from '../live-list.js';
import { nodeStatus } from '../node-status.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink } from './context.js';

export { nodeStatus };

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/**
 * @param {any[]} pods
 * @returns {Record<string, number>}
 */
export function countPhases(pods) {
  /** @type {Record<string, number>} */
  const counts = Object.fromEntries(PHASES.map((p) => [p, 0]));
  for (const p of pods) {
    const phase = p.status?.phase ?? 'Pending';
    counts[phase] = (counts[phase] ?? 0) + 1;
  }
  return counts;
}

/** @type {import('./context.js').View} */
export function overviewView(root, ctx) {
  const nodesMsg = h('p', { class: 'message', role: 'status', hidden: true });
  const nodesBox = h('div', { class: 'table-wrap' }, h('p', {}, 'Loading…'));
  const podsMsg = h('p', { class: 'message', role: 'status', hidden: true });
  const phasesBox = h('div', {}, h('p', {}, 'Loading…'));
  root.replaceChildren(
    h('h2', {}, 'Overview'),
    h('section', { 'aria-labelledby': 'nodes-h' }, h('h3', { id: 'nodes-h' }, 'Nodes'), nodesMsg, nodesBox),
    h('section', { 'aria-labelledby': 'phases-h' }, h('h3', { id: 'phases-h' }, `Pods by phase (${ctx.namespace ? `namespace ${ctx.namespace}` : 'all namespaces'})`), podsMsg, phasesBox),
  );
  /** @param {HTMLElement} el @param {unknown} err */
  const showError = (el, err) => {
    el.textContent = err ? describeError(ctx, err) : '';
    el.className = err ? 'message error' : 'message';
    el.hidden = !err;
  };

  /** @type {any[]} */
  let nodes = [];
  /** @type {any[]} */
  let pods = [];
  const renderNodes = () => {
    /** @type {Record<string, number>} */
    const perNode = {};
    for (const p of pods) if (p.spec?.nodeName) perNode[p.spec.nodeName] = (perNode[p.spec.nodeName] ?? 0) + 1;
    renderTable(nodesBox, {
      caption: 'Nodes',
      empty: 'No nodes have joined yet.',
      rows: byName(nodes),
      columns: [
        { title: 'Name', cell: (n) => objectLink(resourcePath({ version: 'v1', resource: 'nodes', name: n.metadata.name }), n.metadata.name) },
        { title: 'Status', cell: (n) => nodeStatus(n) },
        { title: 'CPU', cell: (n) => formatCpu(n.status?.capacity?.cpu) },
        { title: 'Memory', cell: (n) => formatBytes(n.status?.capacity?.memory) },
        { title: 'Pods', cell: (n) => `${perNode[n.metadata.name] ?? 0} / ${n.status?.capacity?.pods ?? '?'}` },
        { title: 'Version', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
        { title: 'Age', cell: (n) => age(n.metadata.creationTimestamp, ctx.now()) },
      ],
    });
  };
  const renderPhases = () => {
    const counts = countPhases(pods);
    phasesBox.replaceChildren(
      h('dl', { class: 'phases' }, Object.entries(counts).flatMap(([phase, n]) => [h('dt', {}, phase), h('dd', { 'data-phase': phase }, n)])),
    );
  };

  liveList(ctx.api, resourcePath({ version: 'v1', resource: 'nodes' }), {
    signal: ctx.signal,
    onError: (err) => showError(nodesMsg, err),
    onChange: (items) => {
      nodes = items;
      renderNodes();
    },
  });
  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'pods' }), {
    signal: ctx.signal,
    onError: (err) => showError(podsMsg, err),
    onChange: (items) => {
      pods = items;
      renderPhases();
      renderNodes();
    },
  });
}
