import { main } from './main.js';

/**
 * Runs the CLI in-process, capturing what it writes to stdout and stderr. The CLI writes
 * text; a Buffer written meanwhile is the test runner's own report (under `node --test` it
 * goes to stdout while main() awaits), so it passes through instead of being captured.
 */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  const capture = (into: string[], original: typeof o) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== 'string') return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      into.push(chunk);
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out, o);
  process.stderr.write = capture(err, e);
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
