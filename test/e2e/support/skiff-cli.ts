/**
 * Runs the `skiff` CLI from source (loaded through tsx), so e2e tests exercise the
 * current code without a build step: `node --import tsx test/e2e/support/skiff-cli.ts server …`.
 */
import { main } from '../../../src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`skiff: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
