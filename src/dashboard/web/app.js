// @ts-check
/**
 * The dashboard's entry point: sign-in, the frame (navigation, namespace selector,
 * user), and hash routing to the views. Each route change unmounts the previous view,
 * which aborts its watches.
 */
import { ApiClient } from './api.js';
import { h } from './dom.js';
import { liveList } from './live-list.js';
import { DEFAULT_VIEW, formatRoute, parseRoute } from './router.js';
import { applyView } from './views/apply.js';
import { configMapsView } from './views/configmaps.js';
import { cronJobsView } from './views/cronjobs.js';
import { daemonSetsView } from './views/daemonsets.js';
import { deploymentsView } from './views/deployments.js';
import { detailView } from './views/detail.js';
import { eventsView } from './views/events.js';
import { jobsView } from './views/jobs.js';
import { loginView, signInError, whoAmI } from './views/login.js';
import { logsView } from './views/logs.js';
import { namespacesView } from './views/namespaces.js';
import { nodesView } from './views/nodes.js';
import { overviewView } from './views/overview.js';
import { podsView } from './views/pods.js';
import { pvcsView } from './views/pvcs.js';
import { secretsView } from './views/secrets.js';
import { servicesView } from './views/services.js';
import { statefulSetsView } from './views/statefulsets.js';
import { terminalView } from './views/terminal.js';

const TOKEN_KEY = 'skiff-dashboard-token';
const NAMESPACE_KEY = 'skiff-dashboard-namespace';

/**
 * Every route; `group` places it in the navigation (in this order), views without one are
 * reached from links only.
 * @type {Record<string, { title: string; view: import('./views/context.js').View; group?: string }>}
 */
const VIEWS = {
  overview: { title: 'Overview', view: overviewView, group: '' },
  deployments: { title: 'Deployments', view: deploymentsView, group: 'Workloads' },
  statefulsets: { title: 'StatefulSets', view: statefulSetsView, group: 'Workloads' },
  daemonsets: { title: 'DaemonSets', view: daemonSetsView, group: 'Workloads' },
  jobs: { title: 'Jobs', view: jobsView, group: 'Workloads' },
  cronjobs: { title: 'CronJobs', view: cronJobsView, group: 'Workloads' },
  pods: { title: 'Pods', view: podsView, group: 'Workloads' },
  services: { title: 'Services', view: servicesView, group: 'Network' },
  configmaps: { title: 'ConfigMaps', view: configMapsView, group: 'Config & Storage' },
  secrets: { title: 'Secrets', view: secretsView, group: 'Config & Storage' },
  pvcs: { title: 'PersistentVolumeClaims', view: pvcsView, group: 'Config & Storage' },
  namespaces: { title: 'Namespaces', view: namespacesView, group: 'Cluster' },
  nodes: { title: 'Nodes', view: nodesView, group: 'Cluster' },
  events: { title: 'Events', view: eventsView, group: 'Cluster' },
  apply: { title: 'Apply', view: applyView, group: '' },
  object: { title: 'Object', view: detailView },
  logs: { title: 'Logs', view: logsView },
  terminal: { title: 'Terminal', view: terminalView },
};

/**
 * The navigation: ungrouped entries as plain links, each group as a labelled list.
 * @returns {{ nav: HTMLElement; links: HTMLAnchorElement[] }}
 */
function navigation() {
  /** @type {HTMLAnchorElement[]} */
  const links = [];
  /** @param {string} name @param {string} title */
  const link = (name, title) => {
    const a = /** @type {HTMLAnchorElement} */ (h('a', { href: formatRoute(name), 'data-view': name }, title));
    links.push(a);
    return h('li', {}, a);
  };
  /** @type {Map<string, HTMLElement>} */
  const groups = new Map();
  /** @type {HTMLElement[]} */
  const top = [];
  for (const [name, v] of Object.entries(VIEWS)) {
    if (v.group === undefined) continue;
    if (v.group === '') {
      top.push(link(name, v.title));
      continue;
    }
    let list = groups.get(v.group);
    if (!list) {
      const id = `nav-${v.group.replace(/[^A-Za-z]/g, '').toLowerCase()}`;
      list = h('ul', { 'aria-labelledby': id });
      groups.set(v.group, list);
      top.push(h('li', { class: 'group' }, h('span', { id, class: 'group-title' }, v.group), list));
    }
    list.append(link(name, v.title));
  }
  return { nav: h('nav', { 'aria-label': 'Views' }, h('ul', {}, top)), links };
}

const root = /** @type {HTMLElement} */ (document.getElementById('app'));

/** @param {string} [message] */
function showLogin(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  loginView(root, {
    ...(message ? { message } : {}),
    onSignedIn: (token, user) => {
      sessionStorage.setItem(TOKEN_KEY, token);
      showShell(token, user);
    },
  });
}

/**
 * @param {string} token
 * @param {string} user
 */
function showShell(token, user) {
  const api = new ApiClient({ token });
  const shell = new AbortController();
  let namespace = sessionStorage.getItem(NAMESPACE_KEY) ?? 'default';
  /** @type {AbortController | undefined} */
  let viewAbort;

  /** @param {string} [message] */
  const signOut = (message) => {
    shell.abort();
    viewAbort?.abort();
    window.removeEventListener('hashchange', route);
    showLogin(message);
  };

  const nsSelect = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'namespace', on: { change: () => {
      namespace = nsSelect.value;
      sessionStorage.setItem(NAMESPACE_KEY, namespace);
      route();
    } } })
  );
  /** @param {string[]} names */
  const fillNamespaces = (names) => {
    const all = [...new Set([...names, namespace].filter(Boolean))].sort();
    nsSelect.replaceChildren(
      h('option', { value: '', selected: namespace === '' }, 'All namespaces'),
      ...all.map((n) => h('option', { value: n, selected: n === namespace }, n)),
    );
  };
  fillNamespaces([]);

  const { nav, links: navLinks } = navigation();
  const main = h('main', { id: 'view', tabIndex: -1 });
  root.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('h1', {}, h('a', { href: formatRoute(DEFAULT_VIEW) }, 'skiff')),
      nav,
      h('div', { class: 'ns' }, h('label', { for: 'namespace' }, 'Namespace '), nsSelect),
      h(
        'div',
        { class: 'user' },
        h('span', {}, user ? `Signed in as ${user}` : 'Signed in'),
        ' ',
        h('button', { type: 'button', on: { click: () => signOut() } }, 'Sign out'),
      ),
    ),
    main,
  );

  const onAuthError = () => signOut('Your token is no longer accepted (401 Unauthorized). Sign in again.');
  liveList(api, '/api/v1/namespaces', {
    signal: shell.signal,
    onChange: (items) => fillNamespaces(items.map((n) => n.metadata?.name ?? '')),
    // Users who may not list namespaces keep the one they chose (or "default").
    onError: (err) => {
      if (err && /** @type {any} */ (err).status === 401) onAuthError();
    },
  });

  function route() {
    viewAbort?.abort();
    viewAbort = new AbortController();
    const { view, params } = parseRoute(location.hash);
    const entry = VIEWS[view] ?? VIEWS[DEFAULT_VIEW];
    if (!entry) return;
    for (const a of navLinks) {
      if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${entry.title} · skiff dashboard`;
    main.replaceChildren();
    entry.view(main, { api, namespace, params, signal: viewAbort.signal, onAuthError, now: () => Date.now() });
  }
  window.addEventListener('hashchange', route);
  route();
}

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  whoAmI(new ApiClient({ token: saved })).then(
    (user) => showShell(saved, user),
    (err) => showLogin(signInError(err)),
  );
} else {
  showLogin();
}
