import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addEvictionOptions, evictionSettings, type EvictionFlags } from './eviction-flags.js';

function parse(args: string[]): EvictionFlags {
  const cmd = addEvictionOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(args, { from: 'user' });
  return cmd.opts<EvictionFlags>();
}

test('defaults are upstream\'s: hard thresholds on, 5m transition, 10 s monitoring, no soft grace', () => {
  const s = evictionSettings(parse([]));
  assert.deepEqual(s.thresholds.map((t) => t.signal), ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available']);
  assert.equal(s.transitionPeriodMs, 300_000);
  assert.equal(s.monitoringIntervalMs, 10_000);
  assert.equal(s.maxPodGracePeriodSeconds, 0);
});

test('flags set thresholds and periods', () => {
  const s = evictionSettings(parse(['--eviction-hard', 'memory.available<1000Ti', '--eviction-soft', 'nodefs.available<50%', '--eviction-soft-grace-period', 'nodefs.available=1m', '--eviction-pressure-transition-period', '5s', '--eviction-monitoring-interval', '500ms', '--eviction-max-pod-grace-period', '20', '--eviction-minimum-reclaim', 'memory.available=1Gi']));
  assert.deepEqual(s.thresholds.map((t) => [t.signal, t.gracePeriodMs]), [['memory.available', 0], ['nodefs.available', 60_000]]);
  assert.equal(s.thresholds[0]?.minReclaim && 'quantity' in s.thresholds[0].minReclaim ? s.thresholds[0].minReclaim.quantity.toString() : '', '1Gi');
  assert.equal(s.transitionPeriodMs, 5000);
  assert.equal(s.monitoringIntervalMs, 500);
  assert.equal(s.maxPodGracePeriodSeconds, 20);
});

test('bad values are refused in one line with upstream\'s reason', () => {
  assert.throws(() => parse(['--eviction-hard', 'memory.free<1Gi']), /unsupported eviction signal memory.free/);
  assert.throws(() => parse(['--eviction-hard', 'nodefs.available<150%']), /must be <= 100%: 150%/);
  assert.throws(() => parse(['--eviction-hard', 'memory.available<-1']), /must be positive/);
  assert.throws(() => parse(['--eviction-pressure-transition-period', '5 minutes']), /duration/);
  assert.throws(() => evictionSettings(parse(['--eviction-soft', 'memory.available<1Gi'])), /^Error: grace period must be specified for the soft eviction threshold memory.available$|grace period must be specified/);
});
