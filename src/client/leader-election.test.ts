import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from '../api/coordination/v1/lease.js';
import { alreadyExists, conflict, notFound } from '../machinery/status.js';

const leasesGR = { group: 'coordination.k8s.io', resource: 'leases' };
import { FakeClock } from './fake-clock.js';
import { LeaderElector, type LeaseClient } from './leader-election.js';
import { silentLogger } from './logger.js';

/** An in-memory Lease store with the API's compare-and-swap semantics. */
class FakeLeases implements LeaseClient {
  lease: Lease | undefined;
  rv = 0;
  down = false;
  async get(name: string): Promise<Lease> {
    if (this.down) throw new Error('connection refused');
    if (!this.lease) throw notFound(leasesGR, name);
    return structuredClone(this.lease);
  }
  async create(obj: Lease): Promise<Lease> {
    if (this.down) throw new Error('connection refused');
    if (this.lease) throw alreadyExists(leasesGR, 'lock');
    this.lease = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    return structuredClone(this.lease);
  }
  async update(obj: Lease): Promise<Lease> {
    if (this.down) throw new Error('connection refused');
    if (!this.lease) throw notFound(leasesGR, 'lock');
    if (obj.metadata?.resourceVersion !== this.lease.metadata?.resourceVersion) throw conflict(leasesGR, 'lock');
    this.lease = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    return structuredClone(this.lease);
  }
}

function candidate(leases: LeaseClient, clock: FakeClock, identity: string, extra: { releaseOnCancel?: boolean } = {}) {
  const log: string[] = [];
  let signal: AbortSignal | undefined;
  const e = new LeaderElector({
    leases,
    namespace: 'kube-system',
    name: 'lock',
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    logger: silentLogger,
    random: () => 0.5,
    onStartedLeading: (s) => {
      signal = s;
      log.push(`start@${clock.now()}`);
    },
    onStoppedLeading: () => log.push(`stop@${clock.now()}`),
    ...extra,
  });
  return { e, log, signal: () => signal };
}

async function until(clock: FakeClock, cond: () => boolean, limitMs = 120_000): Promise<void> {
  const end = clock.now() + limitMs;
  while (!cond() && clock.now() < end) await clock.advance(100);
  assert.ok(cond(), 'condition not reached');
}

describe('LeaderElector', () => {
  it('exactly one of two candidates leads; the other takes over within the lease duration after a crash', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'a', { releaseOnCancel: false });
    const b = candidate(leases, clock, 'b');
    a.e.start();
    await until(clock, () => a.e.isLeader());
    b.e.start();
    await clock.advance(30_000);
    assert.equal(a.e.isLeader(), true);
    assert.equal(b.e.isLeader(), false, 'a renews every 2 s, so b never gets it');
    assert.equal(leases.lease?.spec?.holderIdentity, 'a');
    assert.equal(leases.lease?.spec?.leaseDurationSeconds, 15);
    assert.match(leases.lease?.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    await a.e.stop(); // like a crash: no release
    const crashedAt = clock.now();
    await until(clock, () => b.e.isLeader());
    const takeover = clock.now() - crashedAt;
    assert.ok(takeover >= 13_000 && takeover <= 15_000 + 2_000 * 2.2, `takeover after ${takeover} ms`);
    assert.equal(leases.lease?.spec?.holderIdentity, 'b');
    assert.equal(leases.lease?.spec?.leaseTransitions, 1);
    assert.deepEqual(a.log.map((l) => l.split('@')[0]), ['start', 'stop']);
    assert.equal(a.signal()?.aborted, true);
    await b.e.stop();
  });

  it('a released lease is taken at the next retry', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'a');
    const b = candidate(leases, clock, 'b');
    a.e.start();
    await until(clock, () => a.e.isLeader());
    b.e.start();
    await clock.advance(5_000);
    await a.e.stop();
    assert.equal(leases.lease?.spec?.holderIdentity, '');
    const releasedAt = clock.now();
    await until(clock, () => b.e.isLeader());
    assert.ok(clock.now() - releasedAt <= 2_000 * 2.2, `took ${clock.now() - releasedAt} ms`);
    await b.e.stop();
  });

  it('a leader that cannot renew steps down after the renew deadline', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'a');
    a.e.start();
    await until(clock, () => a.e.isLeader());
    leases.down = true;
    const downAt = clock.now();
    await until(clock, () => !a.e.isLeader());
    const lostAfter = clock.now() - downAt;
    assert.ok(lostAfter >= 10_000 - 2_000 && lostAfter <= 12_000, `lost after ${lostAfter} ms`);
    assert.equal(a.signal()?.aborted, true);
    // Back as a candidate: it re-acquires its own lease once the API is back.
    leases.down = false;
    await until(clock, () => a.e.isLeader());
    assert.equal(leases.lease?.spec?.leaseTransitions, 0, 'same holder: no transition');
    await a.e.stop();
  });

  it('rejects inconsistent timings', () => {
    assert.throws(
      () => new LeaderElector({ leases: new FakeLeases(), namespace: 'n', name: 'l', identity: 'x', leaseDurationMs: 5, renewDeadlineMs: 10, onStartedLeading() {}, onStoppedLeading() {} }),
      /leaseDuration must be greater/,
    );
  });
});
