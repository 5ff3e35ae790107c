#!/usr/bin/env node
// Runs every *.test.ts under the given directories (default: src and test) with
// Node's built-in test runner, loading TypeScript through tsx. Node 20's runner
// has no glob support, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
}
for (const root of roots.length ? roots : ['src', 'test']) {
  if (statSync(root, { throwIfNoEntry: false })?.isDirectory()) walk(root);
  else if (root.endsWith('.test.ts')) files.push(root);
}
files.sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// A file that runs past FILE_TIMEOUT_MS is killed and reported as failed, so a hang
// can never stall CI; the longest file takes well under a minute.
const FILE_TIMEOUT_MS = 240_000;
const reporters = [
  '--test-reporter=tap', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/file-progress-reporter.mjs', '--test-reporter-destination=stderr',
];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${FILE_TIMEOUT_MS}`, ...reporters, ...passThrough, ...files],
  // The whole suite takes under 10 minutes; past 45 something is wrong: stop it.
  { stdio: 'inherit', timeout: 45 * 60_000, killSignal: 'SIGTERM' },
);
if (result.error) console.error(`run-tests: ${result.error.message}`);
process.exit(result.status ?? 1);
