/**
 * Pods outlive `skiff up` and `skiff agent` (a restart adopts them), so a test that ran
 * a node must stop its pods itself: this does what `skiff killall --data-dir` does,
 * from the runtime state the node left in its data dir. Safe when there is none.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessRuntime } from '../../../src/kubelet/process-runtime.js';

export async function stopNodePods(dataDir: string): Promise<void> {
  for (const stateDir of [join(dataDir, 'agent', 'runtime'), join(dataDir, 'runtime')]) {
    if (existsSync(stateDir)) await new ProcessRuntime({ stateDir }).close();
  }
}
