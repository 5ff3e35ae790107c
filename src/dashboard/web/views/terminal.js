// @ts-check
/**
 * A shell in a running container, as `kubectl exec -it <pod> -c <container> -- sh`: an
 * xterm.js terminal on a `pods/exec` WebSocket through the API server, authenticated by
 * the bearer-token subprotocol (a browser cannot set Authorization on a WebSocket).
 */
import { ApiError, resourcePath } from '../api.js';
import { h, messageArea } from '../dom.js';
import { EXEC_PROTOCOLS, STATUS, STDERR, STDOUT, bearerProtocol, decodeFrame, describeSessionEnd, encodeResize, encodeStdin, execUrl, parseExecStatus } from '../exec-channel.js';
import { formatRoute } from '../router.js';
import { routeStyleElements } from '../xterm-styles.js';
import { describeError } from './context.js';
import { fitTerminal, loadStylesheet } from './terminal-fit.js';

const COMMAND = ['sh'];
const XTERM_MODULE = '../vendor/xterm/xterm.mjs';
const XTERM_CSS = new URL('../vendor/xterm/xterm.css', import.meta.url).href;

/** @type {import('./context.js').View} */
export function terminalView(root, ctx) {
  const namespace = ctx.params.namespace || ctx.namespace || 'default';
  const pod = ctx.params.pod ?? '';
  const message = messageArea();
  const containerSelect = /** @type {HTMLSelectElement} */ (h('select', { id: 'terminal-container', on: { change: () => connect() } }));
  const picker = h('span', { hidden: true }, h('label', { for: 'terminal-container' }, 'Container '), containerSelect);
  const screen = h('div', { class: 'terminal', role: 'region', 'aria-label': `Terminal of ${namespace}/${pod}` });
  root.replaceChildren(
    h('h2', {}, 'Terminal: ', h('code', {}, `${namespace}/${pod}`)),
    h(
      'form',
      { class: 'toolbar', on: { submit: (/** @type {Event} */ e) => (e.preventDefault(), connect()) } },
      picker,
      h('button', { type: 'submit' }, 'Reconnect'),
      h('a', { href: formatRoute('pods') }, 'Back to pods'),
    ),
    message.el,
    screen,
  );
  const podPath = resourcePath({ version: 'v1', resource: 'pods', namespace, name: pod });
  const decoder = new TextDecoder();

  /** @type {any} the xterm Terminal */
  let term;
  /** @type {WebSocket | undefined} */
  let socket;
  const cleanups = /** @type {(() => void)[]} */ ([]);
  ctx.signal.addEventListener('abort', () => {
    socket?.close(1000);
    for (const c of cleanups.reverse()) c();
  });

  /** @param {Uint8Array} frame */
  const send = (frame) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
  };

  function connect() {
    if (!term || ctx.signal.aborted) return;
    socket?.close(1000);
    const container = containerSelect.value;
    const target = { namespace, pod, container, command: COMMAND };
    const ws = new WebSocket(execUrl(location, target), [...EXEC_PROTOCOLS, bearerProtocol(ctx.api.token)]);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    term.reset();
    message.show(`Connecting to ${container}…`);
    let opened = false;
    /** @type {{ exitCode: number } | { error: string } | undefined} */
    let outcome;
    ws.onopen = () => {
      opened = true;
      message.show(`Connected to ${namespace}/${pod} (container ${container}).`);
      send(encodeResize(term.cols, term.rows));
      term.focus();
    };
    ws.onmessage = (ev) => {
      const frame = decodeFrame(/** @type {ArrayBuffer} */ (ev.data));
      if (!frame) return;
      if (frame.channel === STDOUT || frame.channel === STDERR) term.write(frame.data);
      else if (frame.channel === STATUS) outcome = parseExecStatus(decoder.decode(frame.data));
    };
    ws.onclose = (ev) => {
      if (socket !== ws || ctx.signal.aborted) return;
      socket = undefined;
      if (!opened) {
        void explainRefusal(target, ev.code);
        return;
      }
      const end = outcome ?? { error: `the connection closed (code ${ev.code}) before the command reported its exit status` };
      const text = describeSessionEnd(end);
      term.write(`\r\n\x1b[2m[${text}]\x1b[0m\r\n`);
      message.show(text, 'exitCode' in end ? 'info' : 'error');
    };
  }

  /**
   * A browser learns nothing about a refused WebSocket upgrade, so ask the same question
   * over plain HTTP: the same URL without Upgrade is authorized exactly like the upgrade
   * (then refused with 400 "Upgrade request required"), so a 401/403 answer is the reason.
   * @param {{ namespace: string; pod: string; container: string; command: string[] }} target
   * @param {number} code
   */
  async function explainRefusal(target, code) {
    const url = new URL(execUrl(location, target));
    try {
      await ctx.api.request('GET', `${url.pathname}${url.search}`, { signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (!(err instanceof ApiError && err.status === 400)) return message.show(describeError(ctx, err), 'error');
    }
    try {
      const p = await ctx.api.get(podPath, ctx.signal);
      if (p.status?.phase !== 'Running') return message.show(`Pod ${namespace}/${pod} is ${p.status?.phase ?? 'not running'}: there is no running container to open a terminal in.`, 'error');
    } catch (err) {
      if (!ctx.signal.aborted) message.show(describeError(ctx, err), 'error');
      return;
    }
    message.show(`Could not open a terminal in container ${target.container}: the connection was refused or closed (code ${code}).`, 'error');
  }

  async function start() {
    const p = await ctx.api.get(podPath, ctx.signal);
    const names = (p.spec?.containers ?? []).map((/** @type {any} */ c) => String(c.name));
    const annotated = p.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
    const chosen = [ctx.params.container, annotated, names[0]].find((n) => n && names.includes(n));
    containerSelect.replaceChildren(...names.map((/** @type {string} */ n) => h('option', { value: n, selected: n === chosen }, n)));
    picker.hidden = names.length < 2;
    if (names.length === 0) return message.show(`Pod ${namespace}/${pod} has no containers.`, 'error');

    await loadStylesheet(document, XTERM_CSS);
    const { Terminal } = await import(XTERM_MODULE);
    if (ctx.signal.aborted) return;
    const styles = routeStyleElements(document);
    cleanups.push(() => styles.dispose());
    term = new Terminal({ cursorBlink: true, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: 14, scrollback: 5000 });
    cleanups.push(() => term.dispose());
    term.open(screen);
    term.onData((/** @type {string} */ d) => send(encodeStdin(d)));
    term.onBinary((/** @type {string} */ d) => send(encodeStdin(Uint8Array.from(d, (ch) => ch.charCodeAt(0) & 0xff))));
    term.onResize((/** @type {{ cols: number; rows: number }} */ size) => send(encodeResize(size.cols, size.rows)));
    fitTerminal(term, screen);
    const observer = new ResizeObserver(() => fitTerminal(term, screen));
    observer.observe(screen);
    cleanups.push(() => observer.disconnect());
    connect();
  }

  start().catch((err) => {
    if (!ctx.signal.aborted) message.show(describeError(ctx, err), 'error');
  });
}
