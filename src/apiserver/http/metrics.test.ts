import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, MetricsRegistry } from './metrics.js';

test('exposition format: counters with escaped labels, cumulative histogram buckets', () => {
  const r = new MetricsRegistry();
  const c = r.register(new Counter('x_total', 'Xs.'));
  c.inc({ path: 'a"b\\c' });
  c.inc({ path: 'a"b\\c' }, 2);
  const h = r.register(new Histogram('d_seconds', 'Durations.', [0.1, 1]));
  h.observe({ verb: 'GET' }, 0.05);
  h.observe({ verb: 'GET' }, 0.5);
  h.observe({ verb: 'GET' }, 5);
  assert.equal(
    r.render(),
    [
      '# HELP x_total Xs.',
      '# TYPE x_total counter',
      'x_total{path="a\\"b\\\\c"} 3',
      '# HELP d_seconds Durations.',
      '# TYPE d_seconds histogram',
      'd_seconds_bucket{verb="GET",le="0.1"} 1',
      'd_seconds_bucket{verb="GET",le="1"} 2',
      'd_seconds_bucket{verb="GET",le="+Inf"} 3',
      'd_seconds_sum{verb="GET"} 5.55',
      'd_seconds_count{verb="GET"} 3',
      '',
    ].join('\n'),
  );
});

test('labels render in key order, whatever order they were given in', () => {
  const c = new Counter('y_total', 'Ys.');
  c.inc({ verb: 'POST', code: '201', group: '' });
  c.inc({ group: '', code: '201', verb: 'POST' });
  assert.equal(c.get({ code: '201', group: '', verb: 'POST' }), 2);
  assert.equal(c.render(), '# HELP y_total Ys.\n# TYPE y_total counter\ny_total{code="201",group="",verb="POST"} 2');
});
