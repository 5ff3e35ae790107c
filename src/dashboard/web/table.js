// @ts-check
/**
 * A data table with a caption and column headers, re-rendered whole on every change;
 * keyboard focus survives the re-render (the focused control is found again by its
 * `data-focus-key`).
 */
import { h } from './dom.js';

/**
 * @template T
 * @typedef {{ title: string; cell(item: T): Node | string | number }} Column
 */

/**
 * @template T
 * @param {HTMLElement} container
 * @param {{ caption: string; columns: Column<T>[]; rows: T[]; empty?: string }} spec
 */
export function renderTable(container, spec) {
  const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
  const body = spec.rows.length
    ? spec.rows.map((row) => h('tr', {}, spec.columns.map((c) => h('td', {}, c.cell(row)))))
    : [h('tr', {}, h('td', { colSpan: spec.columns.length, class: 'empty' }, spec.empty ?? 'Nothing here.'))];
  container.replaceChildren(
    h(
      'table',
      {},
      h('caption', {}, spec.caption),
      h('thead', {}, h('tr', {}, spec.columns.map((c) => h('th', { scope: 'col' }, c.title)))),
      h('tbody', {}, body),
    ),
  );
  if (focusKey) {
    const again = container.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
    if (again instanceof HTMLElement) again.focus();
  }
}
