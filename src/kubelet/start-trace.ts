/**
 * Pod start timeline for benchmarks: with SKIFF_TRACE=1 the kubelet notes when each pod
 * reaches each step of its start (informer, sandbox, volumes, container created, mounts
 * prepared, cgroup, keeper spawned, ready, status patch sent and answered) as
 * `TRACE <epoch ms> <pod> <step>` lines on stderr. Lines are batched (one write a
 * second), so tracing a burst does not slow the burst down. Off: one boolean test.
 */
const enabled = process.env.SKIFF_TRACE === '1';
let lines: string[] = [];
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  timer = undefined;
  if (!lines.length) return;
  process.stderr.write(lines.join(''));
  lines = [];
}

export function traceStart(pod: string, step: string): void {
  if (!enabled) return;
  lines.push(`TRACE ${Date.now()} ${pod} ${step}\n`);
  if (!timer) {
    timer = setTimeout(flush, 1000);
    timer.unref();
  }
}

if (enabled) process.once('exit', flush);
