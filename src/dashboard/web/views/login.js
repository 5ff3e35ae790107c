// @ts-check
/** The sign-in form: a bearer token, checked against the API before it is kept. */
import { ApiClient, ApiError } from '../api.js';
import { h } from '../dom.js';

/**
 * Checks a token and returns the user it names (SelfSubjectReview; plain discovery when
 * the server has no such API). Throws ApiError for a rejected token.
 * @param {ApiClient} api
 * @returns {Promise<string>}
 */
export async function whoAmI(api) {
  try {
    const review = await api.post('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    return review.status?.userInfo?.username ?? '';
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 401) throw err;
    await api.get('/api');
    return '';
  }
}

/**
 * A sign-in failure as the user should read it.
 * @param {unknown} err
 */
export function signInError(err) {
  if (err instanceof ApiError && err.status === 401) {
    return 'The token was rejected (401 Unauthorized). Paste the whole token, e.g. from <data-dir>/admin.token or `kubectl create token <serviceaccount>`.';
  }
  if (err instanceof ApiError && err.status === 403) {
    return `The token is valid but this user may not use the API (403 Forbidden): ${err.message}`;
  }
  return `Could not reach the API server: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * @param {HTMLElement} root
 * @param {{ message?: string; onSignedIn(token: string, user: string): void }} opts
 */
export function loginView(root, opts) {
  const input = /** @type {HTMLInputElement} */ (h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: false }));
  const error = h('p', { id: 'login-error', class: 'message error', role: 'alert', hidden: !opts.message }, opts.message ?? '');
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit' }, 'Sign in'));
  const submit = async () => {
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    error.hidden = true;
    try {
      const user = await whoAmI(new ApiClient({ token }));
      opts.onSignedIn(token, user);
    } catch (err) {
      error.textContent = signInError(err);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      button.disabled = false;
    }
  };
  root.replaceChildren(
    h(
      'main',
      { class: 'login' },
      h('h1', {}, 'skiff dashboard'),
      h(
        'form',
        { 'aria-describedby': 'login-help', on: { submit: (/** @type {Event} */ e) => (e.preventDefault(), void submit()) } },
        h('p', { id: 'login-help' }, 'Sign in with a bearer token. Everything you see and do uses it, so your RBAC permissions apply. The token stays in this browser tab only.'),
        h('label', { for: 'token' }, 'Bearer token'),
        input,
        button,
        error,
      ),
    ),
  );
  input.focus();
}
