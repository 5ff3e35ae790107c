/**
 * Reads the README's "A first tour" block and classifies each line into known steps, so
 * the newcomer test runs the tour as written and knows what each line must achieve. A
 * line this table does not know is an error: the README and the test cannot drift apart.
 * Shell handling is deliberately small (quotes, backslashes, `#` comments, `&&`, `<…>`
 * placeholders); anything fancier is "not covered" until someone teaches it here.
 */

export const TOUR_HEADING = '## A first tour';

export type TourStep =
  | { kind: 'start' }
  | { kind: 'kubeconfig'; path: string }
  | { kind: 'get-nodes' }
  | { kind: 'get-pods' }
  | { kind: 'get-services'; name?: string }
  | { kind: 'create-deployment'; name: string; image: string; replicas: number }
  | { kind: 'scale'; name: string; replicas: number }
  | { kind: 'set-image'; name: string; images: Record<string, string> }
  | { kind: 'rollout-status'; name: string }
  | { kind: 'rollout-undo'; name: string }
  | { kind: 'delete-pod'; pod: string; placeholder: boolean }
  | { kind: 'expose'; deployment: string; service: string; port: number; targetPort: number; type: string }
  | { kind: 'create-ingress'; name: string; rule: string }
  | { kind: 'curl'; url: string };

export interface TourLine {
  /** The line exactly as the README has it (comment included). */
  text: string;
  /** The trailing `# comment`, without the `#`; '' when there is none. */
  comment: string;
  /** One step per `&&`-joined command, in order. */
  steps: TourStep[];
}

/** The lines of the first ```sh block under TOUR_HEADING (blank lines dropped). */
export function extractTour(readme: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === TOUR_HEADING);
  if (start < 0) throw new Error(`README has no "${TOUR_HEADING}" section`);
  const out: string[] = [];
  let inBlock = false;
  for (const line of lines.slice(start + 1)) {
    if (!inBlock && /^## /.test(line)) break;
    if (!inBlock && /^```(sh|bash|shell)\s*$/.test(line.trim())) inBlock = true;
    else if (inBlock && line.trim() === '```') return out;
    else if (inBlock && line.trim() !== '') out.push(line);
  }
  throw new Error(`no closed \`\`\`sh block under "${TOUR_HEADING}"`);
}

/** Splits off a trailing shell comment: `#` at the start of a word, outside quotes. */
export function splitComment(line: string): { code: string; comment: string } {
  let quote: '"' | "'" | undefined;
  let wordStart = true;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
    } else if (c === '#' && wordStart) {
      return { code: line.slice(0, i).trimEnd(), comment: line.slice(i + 1).trim() };
    } else if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    // An unquoted, unescaped blank or operator ends a word; a `#` right after it starts a comment.
    wordStart = quote === undefined && /[\s;&|()]/.test(c);
  }
  if (quote) throw new Error(`unterminated ${quote} quote in: ${line}`);
  return { code: line.trimEnd(), comment: '' };
}

export interface Token {
  text: string;
  /** `&&`, `||`, `;`, `|`, `&`. */
  op?: boolean;
  /** An unquoted `<…>` the reader is meant to fill in. */
  placeholder?: boolean;
}

/** Words with quotes removed (`$VAR` is kept as written), operators and placeholders. */
export function tokenize(code: string): Token[] {
  const out: Token[] = [];
  let word: string | undefined;
  const flush = (): void => {
    if (word !== undefined) out.push({ text: word });
    word = undefined;
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (/\s/.test(c)) flush();
    else if (c === "'") {
      const end = code.indexOf("'", i + 1);
      word = (word ?? '') + code.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let s = '';
      for (i++; i < code.length && code[i] !== '"'; i++) s += code[i] === '\\' && /["\\$`]/.test(code[i + 1] ?? '') ? code[++i] : code[i];
      word = (word ?? '') + s;
    } else if (c === '\\') word = (word ?? '') + (code[++i] ?? '');
    else if (word === undefined && c === '<') {
      const end = code.indexOf('>', i);
      if (end < 0) throw new Error(`a lone "<" (a redirect?) in: ${code}`);
      out.push({ text: code.slice(i, end + 1), placeholder: true });
      i = end;
    } else if (/[&|;]/.test(c)) {
      flush();
      const two = code.slice(i, i + 2);
      const op = two === '&&' || two === '||' ? two : c;
      out.push({ text: op, op: true });
      i += op.length - 1;
    } else word = (word ?? '') + c;
  }
  flush();
  return out;
}

export class UncoveredLineError extends Error {
  constructor(line: string, why: string) {
    super(`README tour line not covered by the newcomer test: ${line}  (${why})`);
    this.name = 'UncoveredLineError';
  }
}

/** Classifies one tour line; throws UncoveredLineError for anything the table does not know. */
export function classifyLine(text: string): TourLine {
  const { code, comment } = splitComment(text);
  const commands: Token[][] = [[]];
  for (const t of tokenize(code)) {
    if (t.op && t.text !== '&&') throw new UncoveredLineError(text, `operator ${t.text}`);
    if (t.op) commands.push([]);
    else commands[commands.length - 1]?.push(t);
  }
  const words = commands.map((c) => c.map((t) => t.text).join(' '));
  // `npm ci && npm start`: installing is the reader's business; the start is what matters.
  if (words.at(-1) === 'npm start' && words.slice(0, -1).every((w) => w === 'npm ci' || w === 'npm install')) {
    return { text, comment, steps: [{ kind: 'start' }] };
  }
  const steps = commands.map((cmd) => {
    try {
      return classifyCommand(cmd);
    } catch (err) {
      throw new UncoveredLineError(text, err instanceof Error ? err.message : String(err));
    }
  });
  return { text, comment, steps };
}

const VALUE_FLAGS = new Set(['--replicas', '--image', '--port', '--target-port', '--type', '--name', '-o', '--output', '--protocol']);

interface Args {
  positional: string[];
  flags: Map<string, string>;
  placeholders: string[];
  /** After `--`. */
  rest: string[];
}

function parseArgs(tokens: Token[]): Args {
  const a: Args = { positional: [], flags: new Map(), placeholders: [], rest: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.placeholder) a.placeholders.push(t.text);
    else if (t.text === '--') {
      a.rest = tokens.slice(i + 1).map((x) => x.text);
      break;
    } else if (/^--?[a-z]/.test(t.text)) {
      const eq = t.text.indexOf('=');
      if (eq > 0) a.flags.set(t.text.slice(0, eq), t.text.slice(eq + 1));
      else if (VALUE_FLAGS.has(t.text)) a.flags.set(t.text, tokens[++i]?.text ?? '');
      else a.flags.set(t.text, 'true');
    } else a.positional.push(t.text);
  }
  return a;
}

function count(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new Error(`${flag}=${v} is not a number`);
  return Number(v);
}

/** `deployment/web` or `deployment web` (also `deploy`, `deployments`) → `web`. */
function deploymentRef(pos: Array<string | undefined>): string {
  const [a, b] = pos;
  const isDeploy = (k: string | undefined): boolean => k === 'deployment' || k === 'deployments' || k === 'deploy';
  if (a?.includes('/') && isDeploy(a.split('/')[0])) return a.split('/')[1] as string;
  if (isDeploy(a) && b) return b;
  throw new Error(`expected deployment/NAME, got "${pos.join(' ')}"`);
}

function classifyCommand(cmd: Token[]): TourStep {
  const [head, ...tail] = cmd;
  if (head?.text === 'export') {
    const m = /^KUBECONFIG=(.+)$/.exec(tail.map((t) => t.text).join(' '));
    if (m?.[1]) return { kind: 'kubeconfig', path: m[1] };
    throw new Error('only `export KUBECONFIG=…` is known');
  }
  if (head?.text === 'curl') {
    const a = parseArgs(tail);
    const url = a.positional.find((p) => /^https?:\/\//.test(p));
    const unknown = [...a.flags.keys()].filter((f) => !['-s', '--silent', '-S', '-f', '--fail', '-sS', '-fsS', '-sf'].includes(f));
    if (!url || a.positional.length !== 1 || unknown.length) throw new Error('only `curl [-s] URL` is known');
    return { kind: 'curl', url };
  }
  if (head?.text !== 'kubectl') throw new Error(`unknown command "${head?.text ?? ''}"`);
  const a = parseArgs(tail);
  const [verb, what, ...more] = a.positional;
  const sub = [what, ...more];
  if (a.placeholders.length && !(verb === 'delete' && /^pods?$/.test(what ?? ''))) throw new Error(`placeholder ${a.placeholders.join(' ')}`);
  switch (`${verb} ${what}`) {
    case 'get nodes':
    case 'get node':
    case 'get no':
      return { kind: 'get-nodes' };
    case 'get pods':
    case 'get pod':
    case 'get po':
      return { kind: 'get-pods' };
    case 'get services':
    case 'get service':
    case 'get svc':
      return { kind: 'get-services', ...(more[0] ? { name: more[0] } : {}) };
    case 'create deployment': {
      const image = a.flags.get('--image');
      if (!more[0] || !image) throw new Error('create deployment needs a name and --image');
      return { kind: 'create-deployment', name: more[0], image, replicas: count(a.flags.get('--replicas'), '--replicas', 1) };
    }
    case 'create ingress': {
      const rule = a.flags.get('--rule');
      if (!more[0] || !rule || more.length !== 1) throw new Error('create ingress needs a name and one --rule=HOST/PATH=SERVICE:PORT');
      return { kind: 'create-ingress', name: more[0], rule };
    }
    case 'delete pod':
    case 'delete pods': {
      const pod = a.placeholders[0] ?? more[0];
      if (!pod || more.length + a.placeholders.length !== 1) throw new Error('delete pod takes exactly one pod');
      return { kind: 'delete-pod', pod, placeholder: a.placeholders.length === 1 };
    }
  }
  if (verb === 'scale') {
    const replicas = count(a.flags.get('--replicas'), '--replicas', NaN);
    if (Number.isNaN(replicas)) throw new Error('scale needs --replicas');
    return { kind: 'scale', name: deploymentRef(sub), replicas };
  }
  if (verb === 'set' && what === 'image') {
    const pairs = more.filter((p) => p.includes('=')).map((p) => p.split('='));
    if (!pairs.length || pairs.some((p) => p.length !== 2)) throw new Error('set image needs CONTAINER=IMAGE');
    return { kind: 'set-image', name: deploymentRef(more), images: Object.fromEntries(pairs) };
  }
  if (verb === 'rollout' && what === 'status') return { kind: 'rollout-status', name: deploymentRef(more) };
  if (verb === 'rollout' && what === 'undo') return { kind: 'rollout-undo', name: deploymentRef(more) };
  if (verb === 'expose') {
    const port = count(a.flags.get('--port'), '--port', NaN);
    if (Number.isNaN(port)) throw new Error('expose needs --port');
    const deployment = deploymentRef(sub);
    const targetPort = count(a.flags.get('--target-port'), '--target-port', port);
    return { kind: 'expose', deployment, service: a.flags.get('--name') ?? deployment, port, targetPort, type: a.flags.get('--type') ?? 'ClusterIP' };
  }
  throw new Error(`unknown kubectl command "kubectl ${a.positional.join(' ')}"`);
}

const NUMBERS: Record<string, number> = { no: 0, one: 1, a: 1, two: 2, three: 3, four: 4, five: 5 };

/** The count a comment promises for a noun ("two pods Running" → 2), if it names one. */
export function claimedCount(comment: string, noun: string): number | undefined {
  const m = new RegExp(`\\b(\\d+|${Object.keys(NUMBERS).join('|')})\\s+${noun}s?\\b`, 'i').exec(comment);
  if (!m?.[1]) return undefined;
  return /^\d+$/.test(m[1]) ? Number(m[1]) : NUMBERS[m[1].toLowerCase()];
}
