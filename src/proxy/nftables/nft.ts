import { spawn } from 'node:child_process';

/** Runs `nft -f -` with `script` on stdin: the whole script is one kernel transaction, applied entirely or not at all. */
export type NftRunner = (script: string) => Promise<void>;

/** The real `nft` binary (found on PATH, or at `binary`). Rejects with nft's own message when the script is refused. */
export function nftRunner(binary = 'nft'): NftRunner {
  return (script) =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', (err) => reject(new Error(`cannot run ${binary}: ${err.message}`, { cause: err })));
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`nft -f - exited ${code}: ${stderr.trim().split('\n').slice(0, 6).join(' | ')}`))));
      child.stdin.on('error', () => {}); // nft exiting early shows up as its exit code
      child.stdin.end(script);
    });
}
