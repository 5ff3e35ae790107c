#!/usr/bin/env node
// The `skiff` command. Runs the compiled CLI (built by `npm ci` through the
// `prepare` script, or `npm run build`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => {
    console.error(`skiff: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
