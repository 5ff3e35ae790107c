/**
 * Where the dashboard's browser files live. They are plain JavaScript, CSS and HTML in
 * `src/dashboard/web/`, never compiled: running from source they sit beside this file;
 * running the compiled `dist/dashboard/assets.js` they are found back in the source tree
 * (`dist/` and `src/` are siblings in the package), unless a build copied them next to it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The URL prefix the API server serves the dashboard under. */
export const DASHBOARD_PREFIX = '/dashboard';

/** Returns the directory holding `index.html`; the first candidate when none has it. */
export function dashboardAssetsDir(here: string = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [join(here, 'web'), resolve(here, '../../src/dashboard/web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[0] as string);
}
