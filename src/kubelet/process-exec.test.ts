import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../test/e2e/support/wait.js';
import { execIn } from './process-exec.js';
import type { ContainerConfig, ExecSession } from './runtime.js';

const config: ContainerConfig = { name: 'c', image: 'x', argv: ['true'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logPath: '/dev/null', labels: {} };
// Prints its size at start, on every resize (the trapped WINCH interrupts read, hence the loop) and on every line.
const SIZES = "stty size; trap 'stty size' WINCH; while :; do read l && stty size; done";

/** Runs `SIZES` on an exec terminal; out() is all it printed so far. */
function sizes(): { session: ExecSession; out: () => string } {
  const session = execIn(config, undefined, ['sh', '-c', SIZES], { tty: true });
  let out = '';
  session.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return { session, out: () => out };
}

/** The last size the command printed, as "rows cols". */
const lastSize = (out: string): string | undefined => out.match(/^\d+ \d+(?=\r?$)/gm)?.at(-1);

describe('process runtime: exec with a TTY', () => {
  it('starts at 80x24 when the client sends no size', async () => {
    const { session, out } = sizes();
    try {
      await waitFor('the first size', async () => lastSize(out()), 10_000);
      assert.equal(lastSize(out()), '24 80');
    } finally {
      session.kill();
    }
  });

  it('applies every resize in order, those sent while the terminal is still starting too', async () => {
    const { session, out } = sizes();
    try {
      // Sent at once, as kubectl's first size arrives: before the command is on its terminal.
      session.resize(100, 30);
      session.resize(90, 20);
      session.resize(70, 10);
      await waitFor('the last size', async () => (lastSize(out()) === '10 70' ? true : undefined), 10_000);
      // A later one, once it runs; then asked again, so a late out-of-order size would show.
      session.resize(132, 43);
      await waitFor('the later size', async () => (lastSize(out()) === '43 132' ? true : undefined), 10_000);
      session.stdin.write('again\n');
      await waitFor('the size asked again', async () => ((out().match(/^43 132\r?$/gm)?.length ?? 0) >= 2 ? true : undefined), 10_000);
      assert.equal(lastSize(out()), '43 132');
      const seen = [...new Set(out().match(/^\d+ \d+(?=\r?$)/gm))];
      assert.ok(seen.indexOf('10 70') < seen.indexOf('43 132'), `sizes in order: ${seen.join(', ')}`);
      assert.ok(!seen.includes('24 80') || seen.indexOf('24 80') === 0, `the default comes first or not at all: ${seen.join(', ')}`);
    } finally {
      session.kill();
    }
  });

  it('ignores resizes after the command has ended', async () => {
    const session = execIn(config, undefined, ['true'], { tty: true });
    session.stdout.resume();
    assert.equal(await session.wait(), 0);
    session.resize(100, 30);
  });
});
