import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerProtocol as serverBearerProtocol, decodeBearerProtocol } from '../apiserver/authn/websocket-protocol.js';
import {
  CLOSE, RESIZE, STATUS, STDIN, STDOUT, bearerProtocol, decodeFrame, describeSessionEnd, encodeClose, encodeResize, encodeStdin, execUrl, parseExecStatus,
} from './web/exec-channel.js';

test('stdin and resize frames carry the channel byte, then the payload', () => {
  assert.deepEqual([...encodeStdin('ls\r')], [STDIN, 0x6c, 0x73, 0x0d]);
  assert.deepEqual([...encodeStdin(Uint8Array.of(0x03))], [0, 3]);
  assert.deepEqual([...encodeStdin('é')], [0, 0xc3, 0xa9]);
  const resize = encodeResize(100, 30.7);
  assert.equal(resize[0], RESIZE);
  assert.equal(new TextDecoder().decode(resize.subarray(1)), '{"Width":100,"Height":30}');
  assert.deepEqual([...encodeClose(STDIN)], [CLOSE, 0]);
});

test('received frames split into channel and data; an empty message is nothing', () => {
  const bytes = Uint8Array.of(STDOUT, 0x68, 0x69);
  const f = decodeFrame(bytes.buffer);
  assert.equal(f?.channel, STDOUT);
  assert.equal(new TextDecoder().decode(f?.data), 'hi');
  assert.equal(decodeFrame(new ArrayBuffer(0)), undefined);
  assert.deepEqual([...(decodeFrame(Uint8Array.of(STATUS))?.data ?? [9])], []);
});

test('the final Status gives the exit code, or the failure message', () => {
  assert.deepEqual(parseExecStatus('{"metadata":{},"status":"Success"}'), { exitCode: 0 });
  const failed = {
    metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: exit status 3', reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '3' }] },
  };
  assert.deepEqual(parseExecStatus(JSON.stringify(failed)), { exitCode: 3 });
  assert.deepEqual(parseExecStatus('{"status":"Failure","message":"container not found (\\"c\\")"}'), { error: 'container not found ("c")' });
  assert.deepEqual(parseExecStatus('{"status":"Failure","reason":"NonZeroExitCode","message":"m","details":{"causes":[{"reason":"ExitCode","message":"x"}]}}'), { error: 'm' });
  assert.deepEqual(parseExecStatus('not json'), { error: 'not json' });
  assert.equal(describeSessionEnd({ exitCode: 3 }), 'Session ended: exit code 3');
  assert.equal(describeSessionEnd({ error: 'boom' }), 'Session ended with an error: boom');
});

test('the bearer protocol is unpadded base64url, as the API server decodes it', () => {
  for (const token of ['abc', 'abcd', 'ab', 'tok/+en?>', 'jwt.eyJ.sig', 'ünïcode']) {
    const p = bearerProtocol(token);
    assert.equal(p, serverBearerProtocol(token));
    assert.doesNotMatch(p, /[=+/]/);
    assert.equal(decodeBearerProtocol(p.slice('base64url.bearer.authorization.k8s.io.'.length)), token);
  }
});

test('the exec URL asks for a TTY shell on the page\'s own server', () => {
  const url = execUrl({ protocol: 'https:', host: '127.0.0.1:6443' }, { namespace: 'd e', pod: 'web-1', container: 'c', command: ['sh', '-c', 'echo hi'] });
  assert.equal(url, 'wss://127.0.0.1:6443/api/v1/namespaces/d%20e/pods/web-1/exec?command=sh&command=-c&command=echo+hi&container=c&stdin=true&stdout=true&tty=true');
  assert.match(execUrl({ protocol: 'http:', host: 'h' }, { namespace: 'n', pod: 'p', container: 'c', command: ['sh'] }), /^ws:\/\/h\//);
});
