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
import { deploymentsView } from './views/deployments.js';
import { detailView } from './views/detail.js';
import { eventsView } from './views/events.js';
import { loginView, signInError, whoAmI } from './views/login.js';
import { logsView } from './views/logs.js';
import { overviewView } from './views/overview.js';
import { podsView } from './views/pods.js';
import { servicesView } from './views/services.js';
import { terminalView } from './views/terminal.js';

const TOKEN_KEY = 'skiff-dashboard-token';
const NAMESPACE_KEY = 'skiff-dashboard-namespace';

/** @type {Record<string, { title: string; view: import('./views/context.js').View; nav: boolean }>} */
const VIEWS = {
  overview: { title: 'Overview', view: overviewView, nav: true },
  deployments: { title: 'Deployments', view: deploymentsView, nav: true },
  pods: { title: 'Pods', view: podsView, nav: true },
  services: { title: 'Services', view: servicesView, nav: true },
  events: { title: 'Events', view: eventsView, nav: true },
  apply: { title: 'Apply', view: applyView, nav: true },
  object: { title: 'Object', view: detailView, nav: false },
  logs: { title: 'Logs', view: logsView, nav: false },
  terminal: { title: 'Terminal', view: terminalView, nav: false },
};

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

  const navLinks = Object.entries(VIEWS)
    .filter(([, v]) => v.nav)
    .map(([name, v]) => h('li', {}, h('a', { href: formatRoute(name), 'data-view': name }, v.title)));
  const main = h('main', { id: 'view', tabIndex: -1 });
  root.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('h1', {}, h('a', { href: formatRoute(DEFAULT_VIEW) }, 'skiff')),
      h('nav', { 'aria-label': 'Views' }, h('ul', {}, navLinks)),
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
    for (const a of navLinks.map((li) => li.firstElementChild)) {
      if (a instanceof HTMLElement) {
        if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
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
