import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { readBody } from './body.js';
import { ApiError } from './errors.js';

/** A request stream; with `length`, one that declares its Content-Length (the bounded path). */
const request = (length?: number) => Object.assign(new PassThrough(), { headers: length === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) } }) as unknown as PassThrough & IncomingMessage;

const statusOf = async (p: Promise<unknown>): Promise<{ code: number; message: string }> => {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError);
    return { code: err.code, message: err.status.message ?? '' };
  }
  assert.fail('expected a rejection');
};

test('readBody joins the chunks of a body within the limit, declared or chunked', async () => {
  for (const req of [request(9), request()]) {
    const got = readBody(req, 10);
    req.write('hello ');
    req.end('all');
    assert.equal((await got).toString(), 'hello all');
  }
});

test('readBody: a chunked body over the limit is a 413 and the request is destroyed', async () => {
  const req = request();
  const got = readBody(req, 8);
  req.write('12345');
  req.write('67890');
  assert.deepEqual(await statusOf(got), { code: 413, message: 'Request entity too large: the request body is larger than the limit of 8 bytes' });
  assert.equal(req.destroyed, true);
});

test('readBody: a stream error or an early close is a 400, declared or chunked', async () => {
  for (const length of [20, undefined]) {
    const failing = request(length);
    const got = readBody(failing, 100);
    failing.write('par');
    failing.destroy(new Error('socket hang up'));
    assert.deepEqual(await statusOf(got), { code: 400, message: 'unable to read the request body: socket hang up' });
    const closed = request(length);
    const early = readBody(closed, 100);
    closed.write('par');
    closed.destroy();
    assert.deepEqual(await statusOf(early), { code: 400, message: 'unable to read the request body: Premature close' });
  }
});

test('readBody: a declared length over the limit takes the checked path (413)', async () => {
  const req = request(12);
  const got = readBody(req, 8);
  req.write('1234567890');
  assert.deepEqual(await statusOf(got), { code: 413, message: 'Request entity too large: the request body is larger than the limit of 8 bytes' });
});
