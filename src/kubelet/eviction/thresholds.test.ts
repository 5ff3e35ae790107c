import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity } from '../../machinery/quantity.js';
import { DEFAULT_EVICTION_HARD, parseThresholdConfig, parseThresholdStatement, thresholdQuantity, ThresholdError, type Threshold } from './thresholds.js';

const brief = (t: Threshold) => ({ signal: t.signal, value: 'quantity' in t.value ? t.value.quantity.toString() : t.value.percentage, grace: t.gracePeriodMs, ...(t.minReclaim ? { minReclaim: 'quantity' in t.minReclaim ? t.minReclaim.quantity.toString() : t.minReclaim.percentage } : {}) });

describe('eviction thresholds', () => {
  it('defaults to upstream\'s hard thresholds', () => {
    assert.equal(DEFAULT_EVICTION_HARD, 'memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%');
    assert.deepEqual(parseThresholdConfig({}).map(brief), [
      { signal: 'memory.available', value: '100Mi', grace: 0 },
      { signal: 'nodefs.available', value: Math.fround(Math.fround(10) / 100), grace: 0 },
      { signal: 'nodefs.inodesFree', value: Math.fround(Math.fround(5) / 100), grace: 0 },
      { signal: 'imagefs.available', value: Math.fround(Math.fround(15) / 100), grace: 0 },
    ]);
    assert.deepEqual(parseThresholdConfig({ hard: '' }), [], 'an empty flag turns hard eviction off');
  });

  it('parses quantities, percentages, soft thresholds with grace periods and minimum reclaims', () => {
    const ts = parseThresholdConfig({ hard: 'memory.available<1Gi,pid.available<1k', soft: 'nodefs.available<20%', softGracePeriod: 'nodefs.available=1m30s', minimumReclaim: 'memory.available=500Mi,nodefs.available=5%' });
    assert.deepEqual(ts.map(brief), [
      { signal: 'memory.available', value: '1Gi', grace: 0, minReclaim: '500Mi' },
      { signal: 'pid.available', value: '1k', grace: 0 },
      { signal: 'nodefs.available', value: Math.fround(0.2), grace: 90_000, minReclaim: Math.fround(0.05) },
    ]);
  });

  it('ignores 0% and 100%, as upstream', () => {
    assert.equal(parseThresholdStatement('nodefs.available', '0%'), undefined);
    assert.equal(parseThresholdStatement('nodefs.available', '100%'), undefined);
  });

  it('refuses bad statements with upstream\'s messages', () => {
    const bad: Array<[Parameters<typeof parseThresholdConfig>[0], RegExp]> = [
      [{ hard: 'memory.free<1Gi' }, /^unsupported eviction signal memory.free$/],
      [{ hard: 'memory.available<-1Gi' }, /^eviction threshold memory.available must be positive: -1Gi$/],
      [{ hard: 'memory.available<0' }, /must be positive: 0$/],
      [{ hard: 'nodefs.available<101%' }, /^eviction percentage threshold nodefs.available must be <= 100%: 101%$/],
      [{ hard: 'nodefs.available<-5%' }, /must be >= 0%: -5%$/],
      [{ hard: 'nodefs.available<x%' }, /invalid syntax/],
      [{ hard: 'memory.available<lots' }, /quantities must match the regular expression/],
      [{ hard: 'memory.available' }, /malformed pair, expect string<string/],
      [{ soft: 'memory.available<1Gi' }, /^grace period must be specified for the soft eviction threshold memory.available$/],
      [{ soft: 'memory.available<1Gi', softGracePeriod: 'memory.available=soon' }, /invalid duration/],
      [{ softGracePeriod: 'disk.available=1m' }, /unsupported eviction signal disk.available/],
      [{ minimumReclaim: 'memory.available=-1Mi' }, /^negative eviction minimum reclaim specified for memory.available$/],
      [{ minimumReclaim: 'nodefs.available=0%' }, /eviction percentage minimum reclaim nodefs.available must be positive: 0%/],
    ];
    for (const [flags, re] of bad) assert.throws(() => parseThresholdConfig(flags), (err: unknown) => err instanceof ThresholdError && re.test(err.message), JSON.stringify(flags));
  });

  it('turns a percentage into a quantity of the capacity, truncated, in bytes', () => {
    const cap = Quantity.parse('1000Mi');
    assert.equal(thresholdQuantity({ percentage: Math.fround(0.1) }, cap).toString(), String(Math.trunc(1000 * 1024 * 1024 * Math.fround(0.1))));
    assert.equal(thresholdQuantity({ quantity: Quantity.parse('100Mi') }, cap).toString(), '100Mi');
  });
});
