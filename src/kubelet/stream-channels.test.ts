import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { PassThrough } from 'node:stream';
import { webSocketChannels, writeStdin, type StreamChannels } from './stream-channels.js';

describe('webSocketChannels', () => {
  it('decodes stdin, resize and the stdin close signal, keeping what came before onInput, in order', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    try {
      const [server] = await Promise.all([new Promise<WebSocket>((r) => wss.once('connection', r)), new Promise((r) => client.once('open', r))]);
      const io = webSocketChannels(server);
      // Five messages reach the server before the session asks for input.
      let seen = 0;
      const allIn = new Promise<void>((r) => server.on('message', () => ++seen === 5 && r()));
      client.send(Buffer.from([0, ...Buffer.from('early ')]));
      client.send(Buffer.from([4, ...Buffer.from('{"Width":120,"Height":40}')]));
      client.send(Buffer.from([4, ...Buffer.from('not json')]));
      client.send(Buffer.from([0, ...Buffer.from('input')]));
      client.send(Buffer.from([255, 0]));
      await allIn;
      const got: string[] = [];
      io.onInput({ stdin: (d) => got.push(`stdin:${d.toString()}`), stdinEnd: () => got.push('end'), resize: (c, r) => got.push(`resize:${c}x${r}`) });
      assert.deepEqual(got, ['stdin:early ', 'resize:120x40', 'stdin:input', 'end']);
      // And what comes after goes straight through.
      const later = new Promise<void>((r) => server.once('message', () => r()));
      client.send(Buffer.from([0, ...Buffer.from('late')]));
      await later;
      assert.equal(got.at(-1), 'stdin:late');
    } finally {
      client.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});

describe('writeStdin', () => {
  it('pauses the client while the stdin is full, resumes once it drains or closes', async () => {
    const calls: string[] = [];
    const io = { pauseInput: () => calls.push('pause'), resumeInput: () => calls.push('resume') } as unknown as StreamChannels;
    const stdin = new PassThrough({ highWaterMark: 4 });
    writeStdin(io, stdin, Buffer.from('ab'));
    assert.deepEqual(calls, []);
    writeStdin(io, stdin, Buffer.from('cdef'));
    assert.deepEqual(calls, ['pause']);
    const drained = new Promise((r) => stdin.once('drain', r));
    stdin.read();
    await drained;
    assert.deepEqual(calls, ['pause', 'resume']);
    // Full again, then closed (the container stopped reading): the client is not left paused.
    writeStdin(io, stdin, Buffer.from('ghijkl'));
    const closed = new Promise((r) => stdin.once('close', r));
    stdin.destroy();
    await closed;
    assert.deepEqual(calls, ['pause', 'resume', 'pause', 'resume']);
    writeStdin(io, stdin, Buffer.from('after'));
    assert.equal(calls.length, 4, 'a closed stdin takes no more input');
  });
});
