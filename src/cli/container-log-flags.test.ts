import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addContainerLogOptions, containerLogSettings, type ContainerLogFlags } from './container-log-flags.js';

const parse = (args: string[]): ContainerLogFlags => {
  const cmd = addContainerLogOptions(new Command('up').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(args, { from: 'user' });
  return cmd.opts<ContainerLogFlags>();
};

test('container log flags: upstream defaults, quantities, and bad values refused', () => {
  assert.deepEqual(containerLogSettings(parse([])), { maxBytes: 10 * 1024 * 1024, maxFiles: 5, monitorIntervalMs: 10_000 });
  assert.deepEqual(containerLogSettings(parse(['--container-log-max-size', '64Ki', '--container-log-max-files', '3', '--container-log-monitor-interval', '500ms'])), { maxBytes: 65536, maxFiles: 3, monitorIntervalMs: 500 });
  assert.equal(parse(['--container-log-max-size', '-1']).containerLogMaxSize, -1);
  assert.throws(() => parse(['--container-log-max-files', '1']), /greater than 1/);
  assert.throws(() => parse(['--container-log-max-size', '10MB']), /quantity/);
  assert.throws(() => parse(['--container-log-monitor-interval', '0s']), /positive duration/);
});
