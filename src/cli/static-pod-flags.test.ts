import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addStaticPodOptions, podManifestPath, type StaticPodFlags } from './static-pod-flags.js';

function parse(args: string[]): StaticPodFlags {
  const cmd = addStaticPodOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(args, { from: 'user' });
  return cmd.opts<StaticPodFlags>();
}

test('--pod-manifest-path defaults to <data-dir>/agent/pod-manifests, as k3s', () => {
  assert.equal(podManifestPath(parse([]), '/var/lib/skiff'), '/var/lib/skiff/agent/pod-manifests');
});

test('--pod-manifest-path DIR is used as given (made absolute)', () => {
  assert.equal(podManifestPath(parse(['--pod-manifest-path', '/etc/skiff/manifests']), '/d'), '/etc/skiff/manifests');
  assert.equal(podManifestPath(parse(['--pod-manifest-path', 'rel']), '/d'), `${process.cwd()}/rel`);
});
