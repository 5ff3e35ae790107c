import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from './main.js';

test('unknown subcommand exits non-zero', async () => {
  const errors: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { errors.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    assert.notEqual(await main(['no-such-command']), 0);
  } finally {
    process.stderr.write = orig;
  }
  assert.match(errors.join(''), /unknown command/);
});

test('version exits zero', async () => {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (s: string) => { lines.push(s); };
  try {
    assert.equal(await main(['version']), 0);
  } finally {
    console.log = orig;
  }
  assert.match(lines.join('\n'), /^skiff \d+\.\d+\.\d+ \(Kubernetes v1\.32\.\d+\)$/);
});
