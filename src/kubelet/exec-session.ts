import type { Runtime } from './runtime.js';
import { endSession, writeStdin, type StreamChannels } from './stream-channels.js';

/**
 * Runs `command` in the container and connects it to the client's channels (WebSocket or
 * SPDY alike); the exit status ends the session. Resolves once the session has ended.
 */
export async function runExec(runtime: Runtime, containerId: string, io: StreamChannels, q: URLSearchParams): Promise<void> {
  const tty = q.get('tty') === 'true';
  const command = q.getAll('command');
  const useStdin = q.get('stdin') === 'true';
  const failed = (err: unknown): void => endSession(io, { status: 'Failure', message: (err as Error).message, reason: 'InternalError', code: 500 });
  let session;
  try {
    session = await runtime.exec(containerId, command, { tty, stdin: useStdin });
  } catch (err) {
    return failed(err);
  }
  io.onInput({
    stdin: (d) => useStdin && writeStdin(io, session.stdin, d),
    stdinEnd: () => session.stdin.end(),
    resize: (cols, rows) => session.resize(cols, rows),
  });
  io.onClose(() => session.kill());
  if (!useStdin) session.stdin.end();
  session.stdout.on('data', (d: Buffer) => io.send(1, d));
  session.stderr?.on('data', (d: Buffer) => io.send(tty ? 1 : 2, d));
  const outDone = Promise.all([
    new Promise<void>((r) => session.stdout.on('end', () => r())),
    session.stderr ? new Promise<void>((r) => session.stderr?.on('end', () => r())) : Promise.resolve(),
  ]);
  let code: number;
  try {
    code = await session.wait();
  } catch (err) {
    // The command never ran (not found, container gone): the runtime's reason, as a Status.
    await Promise.race([outDone, new Promise((r) => setTimeout(r, 500))]);
    return failed(err);
  }
  await Promise.race([outDone, new Promise((r) => setTimeout(r, 500))]);
  if (code === 0) endSession(io, { status: 'Success' });
  else endSession(io, { status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });
}
