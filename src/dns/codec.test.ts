import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CLASS_IN, DnsFormatError, RR, buildQuery, decodeMessage, encodeMessage, type DnsMessage } from './codec.js';

test('a query encodes to the RFC 1035 bytes and decodes back', () => {
  const q = buildQuery(0x1234, 'web.default.svc.cluster.local', RR.A);
  assert.deepEqual(Array.from(q.subarray(0, 12)), [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(q.subarray(12, 17)), [3, 0x77, 0x65, 0x62, 7]);
  const m = decodeMessage(q);
  assert.equal(m.id, 0x1234);
  assert.equal(m.recursionDesired, true);
  assert.equal(m.response, false);
  assert.deepEqual(m.questions, [{ name: 'web.default.svc.cluster.local', type: RR.A, class: CLASS_IN }]);
});

test('responses with every record kind round-trip', () => {
  const m: DnsMessage = {
    id: 7,
    response: true,
    opcode: 0,
    authoritative: true,
    truncated: false,
    recursionDesired: true,
    recursionAvailable: false,
    rcode: 3,
    questions: [{ name: 'x.cluster.local', type: RR.SRV, class: CLASS_IN }],
    answers: [
      { name: 'a.cluster.local', type: 1, class: CLASS_IN, ttl: 5, address: '198.19.0.1' },
      { name: 'a.cluster.local', type: 28, class: CLASS_IN, ttl: 5, address: 'fd00:0:0:0:0:0:0:1' },
      { name: '_http._tcp.a.cluster.local', type: 33, class: CLASS_IN, ttl: 5, priority: 0, weight: 100, port: 80, target: 'a.cluster.local' },
      { name: 'e.cluster.local', type: 5, class: CLASS_IN, ttl: 5, target: 'example.com' },
      { name: 'dns-version.cluster.local', type: 16, class: CLASS_IN, ttl: 28800, texts: ['1.1.0', ''] },
    ],
    authorities: [{ name: 'cluster.local', type: 6, class: CLASS_IN, ttl: 5, mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 42, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 }],
    additionals: [],
  };
  const back = decodeMessage(encodeMessage(m));
  assert.deepEqual(back.answers, m.answers.map((a) => (a.type === 28 ? { ...a, address: 'fd00:0:0:0:0:0:0:1' } : a)));
  assert.equal(back.rcode, 3);
  assert.equal(back.authoritative, true);
  assert.deepEqual(back.authorities, m.authorities, 'SOA fields decode (negative-caching TTL is read from them)');
  assert.deepEqual(decodeMessage(encodeMessage({ ...m, answers: [{ name: 'b', type: 28, class: 1, ttl: 1, address: 'fd00::1' }] })).answers[0], { name: 'b', type: 28, class: 1, ttl: 1, address: 'fd00:0:0:0:0:0:0:1' });
});

test('compression pointers are followed; forward pointers and loops are rejected', () => {
  // Header with 2 questions; second name = "www" + pointer to offset 12 ("example.com").
  const hdr = [0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
  const q1 = [7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1];
  const q2 = [3, ...Buffer.from('www'), 0xc0, 12, 0, 1, 0, 1];
  const m = decodeMessage(Uint8Array.from([...hdr, ...q1, ...q2]));
  assert.deepEqual(m.questions.map((q) => q.name), ['example.com', 'www.example.com']);
  const selfLoop = Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  assert.throws(() => decodeMessage(selfLoop), DnsFormatError);
  const forward = Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 20, 0, 1, 0, 1, 0, 0, 0]);
  assert.throws(() => decodeMessage(forward), DnsFormatError);
  assert.throws(() => decodeMessage(Uint8Array.from([0, 1, 0])), DnsFormatError);
  assert.throws(() => decodeMessage(Uint8Array.from([...hdr.slice(0, 5), 1, 0, 0, 0, 0, 0, 0, 5, 0x61])), DnsFormatError);
});

test('malformed packets only ever throw DnsFormatError', () => {
  const valid = encodeMessage({
    ...decodeMessage(buildQuery(9, 'a.b.svc.cluster.local', RR.SRV)),
    response: true,
    answers: [{ name: 'a.b', type: 33, class: 1, ttl: 5, priority: 1, weight: 2, port: 3, target: 'c.d' }],
  });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        decodeMessage(bytes);
      } catch (err) {
        assert.ok(err instanceof DnsFormatError, String(err));
      }
    }),
    { numRuns: 3000 },
  );
  // Mutations of a valid packet reach deeper into the decoder than random bytes do.
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(valid.length), (edits, cut) => {
      const b = valid.slice(0, Math.max(cut, 1));
      for (const [i, v] of edits) if (i < b.length) b[i] = v;
      try {
        decodeMessage(b);
      } catch (err) {
        assert.ok(err instanceof DnsFormatError, String(err));
      }
    }),
    { numRuns: 3000 },
  );
});

test('IPv6 addresses: "::" stands for at least one zero group, and one spelling comes back', () => {
  const rec = (address: string) => encodeMessage({ ...decodeMessage(buildQuery(1, 'a', RR.AAAA)), answers: [{ name: 'a', type: 28, class: 1, ttl: 5, address }] });
  assert.throws(() => rec('1:2:3:4::5:6:7:8'), RangeError);
  assert.deepEqual(decodeMessage(rec('FD00::A')).answers[0], { name: 'a', type: 28, class: 1, ttl: 5, address: 'fd00:0:0:0:0:0:0:a' });
});
