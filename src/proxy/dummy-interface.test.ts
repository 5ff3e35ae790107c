import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DummyInterface } from './dummy-interface.js';

test('DummyInterface creates the link once, adds/removes /32s, and deletes only what it made', async () => {
  const calls: string[] = [];
  const d = new DummyInterface({ name: 'skifftest0', ip: async (args) => void calls.push(args.join(' ')) });
  await d.add('198.19.0.1');
  await d.add('198.19.0.1');
  await d.add('198.19.0.2');
  await d.remove('198.19.0.1');
  await d.remove('198.19.0.9');
  await d.destroy();
  assert.deepEqual(calls, [
    'link add skifftest0 type dummy',
    'link set skifftest0 up',
    'addr add 198.19.0.1/32 dev skifftest0',
    'addr add 198.19.0.2/32 dev skifftest0',
    'addr del 198.19.0.1/32 dev skifftest0',
    'addr del 198.19.0.2/32 dev skifftest0',
    'link del skifftest0',
  ]);
});

test('an existing link or address is reused, other failures surface', async () => {
  const exists = Object.assign(new Error('fail'), { stderr: 'RTNETLINK answers: File exists' });
  const calls: string[] = [];
  const d = new DummyInterface({
    ip: async (args) => {
      calls.push(args.join(' '));
      if (args[1] === 'add') throw exists;
    },
  });
  await d.add('198.19.0.1');
  assert.equal(calls.length, 3);
  await d.destroy();
  assert.deepEqual(calls.slice(3), ['addr del 198.19.0.1/32 dev skiff0'], 'a link found already there is left in place');
  const bad = new DummyInterface({ ip: async () => Promise.reject(Object.assign(new Error('x'), { stderr: 'Operation not permitted' })) });
  await assert.rejects(bad.add('198.19.0.1'), /x/);
});

test('without dummy links in the kernel the addresses go on lo, which is never deleted', async () => {
  const calls: string[] = [];
  const d = new DummyInterface({
    ip: async (args) => {
      calls.push(args.join(' '));
      if (args.join(' ') === 'link add skiff0 type dummy') throw Object.assign(new Error('fail'), { stderr: 'Error: Unknown device type.' });
    },
  });
  await d.add('198.19.0.10');
  assert.equal(d.name, 'lo');
  await d.destroy();
  assert.deepEqual(calls, ['link add skiff0 type dummy', 'link set lo up', 'addr add 198.19.0.10/32 dev lo', 'addr del 198.19.0.10/32 dev lo']);
});
