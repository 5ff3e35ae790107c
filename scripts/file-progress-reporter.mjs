// A second test reporter (to stderr beside the TAP on stdout) that watches whole
// test files: it names files still running after two minutes, so a hang in CI shows
// where it is, and lists the slowest files at the end.
const STILL_RUNNING_AFTER_MS = 120_000;

export default async function* fileProgress(source) {
  const running = new Map(); // file → start time
  const finished = []; // [file, ms]
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const [file, start] of running) {
      if (now - start > STILL_RUNNING_AFTER_MS) process.stderr.write(`# still running after ${Math.round((now - start) / 1000)} s: ${file}\n`);
    }
  }, 60_000);
  ticker.unref();
  try {
    for await (const event of source) {
      const { name, file } = event.data ?? {};
      if (!file || name !== file) continue; // only the file-level test events
      if (event.type === 'test:dequeue') running.set(file, Date.now());
      if (event.type === 'test:complete') {
        const ms = Date.now() - (running.get(file) ?? Date.now());
        running.delete(file);
        finished.push([file, ms]);
      }
    }
  } finally {
    clearInterval(ticker);
  }
  finished.sort((a, b) => b[1] - a[1]);
  yield '# slowest test files:\n';
  for (const [file, ms] of finished.slice(0, 8)) yield `#   ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}\n`;
}
