import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addNodeLifecycleOptions, defaultTolerations, kubeletLeaseDurationSeconds, nodeLifecycleTimings, type NodeLifecycleFlags } from './node-lifecycle-flags.js';

function parse(args: string[]): NodeLifecycleFlags {
  const cmd = addNodeLifecycleOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }), { admission: true });
  cmd.parse(args, { from: 'user' });
  return cmd.opts<NodeLifecycleFlags>();
}

test('presets give Kubernetes\' timings or the fast ones; single flags override', () => {
  assert.deepEqual(nodeLifecycleTimings(parse([])), { nodeMonitorGracePeriodMs: 40_000, nodeStartupGracePeriodMs: 60_000, defaultTolerationSeconds: 300 });
  assert.deepEqual(defaultTolerations(parse([])), { notReadySeconds: 300, unreachableSeconds: 300 });
  const fast = parse(['--node-lifecycle', 'fast']);
  assert.equal(nodeLifecycleTimings(fast).nodeMonitorGracePeriodMs < 40_000, true);
  assert.equal(defaultTolerations(fast).unreachableSeconds < 300, true);
  assert.equal(kubeletLeaseDurationSeconds(fast) * 1000 <= nodeLifecycleTimings(fast).nodeMonitorGracePeriodMs, true, 'a kubelet renews well inside the grace period');
  const custom = parse(['--node-lifecycle', 'fast', '--node-monitor-grace-period', '1m', '--default-unreachable-toleration-seconds', '30']);
  assert.equal(nodeLifecycleTimings(custom).nodeMonitorGracePeriodMs, 60_000);
  assert.deepEqual(defaultTolerations(custom), { notReadySeconds: defaultTolerations(fast).notReadySeconds, unreachableSeconds: 30 });
  assert.equal(kubeletLeaseDurationSeconds(parse([])), 40);
});

test('bad values are refused with the reason', () => {
  assert.throws(() => parse(['--node-lifecycle', 'slow']), /must be one of default, fast/);
  assert.throws(() => parse(['--node-monitor-grace-period', '40']), /duration such as 40s/);
  assert.throws(() => parse(['--default-not-ready-toleration-seconds', '-1']), /whole number/);
});
