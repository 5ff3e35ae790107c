import type { ServerResponse } from 'node:http';
import { writeText } from './http/respond.js';
import { pathNotFound } from './http/status.js';

/** One named health check; resolves when healthy, rejects (or times out) otherwise. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 5000;

async function run(c: HealthCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Serves `/healthz`, `/livez` or `/readyz` as kube-apiserver does: `ok` (200) or a 500
 * listing the failed checks; `?verbose` lists every check (`[+]name ok`), `/<endpoint>/<check>`
 * runs one check. Failure reasons are logged, not shown (as upstream withholds them).
 */
export async function serveHealth(
  res: ServerResponse,
  endpoint: 'healthz' | 'livez' | 'readyz',
  checks: readonly HealthCheck[],
  sub: string | undefined,
  verbose: boolean,
  onFailure: (check: string, reason: string) => void,
): Promise<void> {
  const selected = sub === undefined ? checks : checks.filter((c) => c.name === sub);
  if (sub !== undefined && selected.length === 0) throw pathNotFound();
  const results = await Promise.all(selected.map(async (c) => ({ name: c.name, error: await run(c) })));
  const failed = results.filter((r) => r.error !== undefined);
  for (const f of failed) onFailure(f.name, f.error as string);
  const lines = results.map((r) => (r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
  if (failed.length === 0) {
    writeText(res, 200, verbose ? `${lines.join('\n')}\n${endpoint} check passed\n` : 'ok');
  } else {
    writeText(res, 500, `${lines.join('\n')}\n${endpoint} check failed\n`);
  }
}
