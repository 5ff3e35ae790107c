import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byNamespace, byNodeName, byOwnerUid, Indexer, NAMESPACE_INDEX, NODE_NAME_INDEX, OWNER_UID_INDEX } from './indexer.js';
import type { KubeObject } from './object-key.js';

type Pod = KubeObject & { spec?: { nodeName?: string } };
const pod = (ns: string, name: string, node?: string, owner?: string): Pod => ({
  metadata: { namespace: ns, name, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner }] } : {}) },
  spec: node ? { nodeName: node } : {},
});
const names = (xs: Pod[]) => xs.map((x) => x.metadata?.name).sort();

describe('Indexer', () => {
  it('keys objects by namespace/name and keeps indexes current on update and delete', () => {
    const ix = new Indexer<Pod>();
    ix.addIndexer(NAMESPACE_INDEX, byNamespace);
    ix.addIndexer(NODE_NAME_INDEX, byNodeName);
    ix.addIndexer(OWNER_UID_INDEX, byOwnerUid);
    ix.upsert(pod('a', 'p1', 'n1', 'u1'));
    ix.upsert(pod('a', 'p2', 'n2', 'u1'));
    ix.upsert(pod('b', 'p1'));
    assert.deepEqual(ix.keys().sort(), ['a/p1', 'a/p2', 'b/p1']);
    assert.deepEqual(names(ix.byIndex(NAMESPACE_INDEX, 'a')), ['p1', 'p2']);
    assert.deepEqual(names(ix.byIndex(NODE_NAME_INDEX, 'n1')), ['p1']);
    assert.deepEqual(names(ix.byIndex(OWNER_UID_INDEX, 'u1')), ['p1', 'p2']);
    assert.deepEqual(ix.byIndex(NODE_NAME_INDEX, 'n9'), []);

    const old = ix.upsert(pod('a', 'p1', 'n2'));
    assert.equal(old?.spec?.nodeName, 'n1');
    assert.deepEqual(ix.byIndex(NODE_NAME_INDEX, 'n1'), [], 'old index value removed');
    assert.deepEqual(names(ix.byIndex(NODE_NAME_INDEX, 'n2')), ['p1', 'p2']);
    assert.deepEqual(names(ix.byIndex(OWNER_UID_INDEX, 'u1')), ['p2']);

    assert.equal(ix.delete('a/p2')?.metadata?.name, 'p2');
    assert.equal(ix.delete('a/p2'), undefined);
    assert.deepEqual(ix.indexKeys(NODE_NAME_INDEX, 'n2'), ['a/p1']);
    assert.equal(ix.size, 2);
  });

  it('an index added later covers existing objects; unknown or duplicate names throw', () => {
    const ix = new Indexer<Pod>();
    ix.upsert(pod('x', 'p', 'n1'));
    ix.upsert({ metadata: { name: 'node-scoped' } });
    ix.addIndexer('custom', (o) => [o.metadata?.name?.toUpperCase() ?? '']);
    assert.deepEqual(ix.indexKeys('custom', 'P'), ['x/p']);
    assert.deepEqual(ix.indexKeys('custom', 'NODE-SCOPED'), ['node-scoped']);
    assert.throws(() => ix.addIndexer('custom', () => []), /already exists/);
    assert.throws(() => ix.byIndex('nope', 'v'), /no indexer/);
  });
});
