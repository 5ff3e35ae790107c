/**
 * The real kubectl writing pods/NAME/status (`--subresource=status`): a good status is
 * stored, a bad one is refused with kube-apiserver's Invalid message, and the spec a
 * status patch carries is ignored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKubectlHarness, type KubectlHarness } from './kubectl-harness.js';

let h: KubectlHarness;
before(async () => {
  h = await startKubectlHarness();
});
after(async () => {
  await h?.stop();
});

const ok = (args: string[]): Promise<string> => h.ok(args);

test('kubectl patch --subresource=status: stored when valid, Invalid when not', async () => {
  await ok(['run', 'st', '--image=busybox', '--restart=Never', '--overrides={"spec":{"nodeName":"n1"}}']);
  const good = '{"spec":{"nodeName":"elsewhere"},"status":{"phase":"Running","podIP":"127.0.1.5","startTime":"2026-11-27T10:00:00+01:00"}}';
  assert.equal(await ok(['patch', 'pod', 'st', '--subresource=status', '--type=merge', '-p', good]), 'pod/st patched\n');
  const got = JSON.parse(await ok(['get', 'pod', 'st', '-o', 'json']));
  assert.equal(got.status.phase, 'Running');
  assert.equal(got.status.startTime, '2026-11-27T09:00:00Z');
  assert.equal(got.spec.nodeName, 'n1');

  const bad = await h.kubectl(['patch', 'pod', 'st', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Sideways","startTime":"yesterday"}}']);
  assert.notEqual(bad.code, 0);
  assert.equal(
    bad.stderr,
    'The Pod "st" is invalid: \n' +
      '* status.phase: Unsupported value: "Sideways": supported values: "Pending", "Running", "Succeeded", "Failed", "Unknown"\n' +
      '* status.startTime: Invalid value: "yesterday": must be an RFC 3339 date-time (e.g. 2006-01-02T15:04:05Z)\n',
  );
  assert.equal(JSON.parse(await ok(['get', 'pod', 'st', '-o', 'json'])).status.phase, 'Running');
});
