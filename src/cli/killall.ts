import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { defaultDataDir } from './server.js';

/** Where a node's runtime remembers its pods: `skiff up` keeps its node under <data>/agent, `skiff agent` in <data>. */
function runtimeStateDirs(dataDir: string): string[] {
  return [join(dataDir, 'agent', 'runtime'), join(dataDir, 'runtime')].filter((d) => existsSync(d));
}

/**
 * `skiff killall`: stops every pod a node on this machine left running (k3s's
 * k3s-killall.sh), and removes the node's pod network and network policy rules. Pods outlive `skiff up` and `skiff agent` on purpose — a restart
 * adopts them again — so this is how to really stop them, e.g. before deleting the data dir.
 */
export function registerKillallCommand(program: Command): void {
  program
    .command('killall')
    .description('stop every pod process a skiff node in --data-dir left running (run it with skiff up/agent stopped)')
    .option('--data-dir <dir>', 'the data dir of `skiff up` or `skiff agent`', defaultDataDir())
    .addHelpText('after', '\nExample:\n  skiff killall --data-dir ./.skiff-data')
    .action(async (o: { dataDir: string }) => {
      const dirs = runtimeStateDirs(o.dataDir);
      const { netpolTable, recordedNetworkPolicyTable, recordNetworkPolicyTable, removeNetworkPolicyTable } = await import('../netpol/host.js');
      // A crashed --runtime cri node's network policy table (its pods are containerd's to stop).
      const noted = [o.dataDir, join(o.dataDir, 'agent')].flatMap((d) => {
        const table = recordedNetworkPolicyTable(d);
        return table ? [{ d, table }] : [];
      });
      for (const { d, table } of noted) {
        await removeNetworkPolicyTable(table);
        recordNetworkPolicyTable(d);
      }
      if (dirs.length === 0 && noted.length > 0) {
        process.stdout.write(`skiff killall: removed ${noted.map((n) => n.table).join(', ')}\n`);
        return;
      }
      if (dirs.length === 0) {
        process.stderr.write(`skiff killall: no node state in ${o.dataDir} (nothing to stop)\n`);
        throw new CommanderError(1, 'skiff.killall.none', 'no node state');
      }
      const { ProcessRuntime } = await import('../kubelet/process-runtime.js');
      const { PodNetwork } = await import('../kubelet/pod-network.js');
      let stopped = 0;
      for (const stateDir of dirs) {
        // The node's network policy table, if a crashed node left it (a stopped one removes its own).
        const bridge = PodNetwork.saved(stateDir)?.bridge;
        if (bridge) await removeNetworkPolicyTable(netpolTable(bridge));
        const runtime = new ProcessRuntime({ stateDir });
        stopped += (await runtime.listContainers()).filter((c) => c.state === 'running').length;
        await runtime.close();
      }
      process.stdout.write(`skiff killall: stopped ${stopped} container${stopped === 1 ? '' : 's'}\n`);
    });
}
