import type { Command } from 'commander';
import { SKIFF_VERSION, KUBERNETES_VERSION } from '../version.js';

export function registerVersionCommand(program: Command): void {
  program
    .command('version')
    .description('print the skiff version and the Kubernetes API version it serves')
    .addHelpText('after', '\nExample:\n  skiff version')
    .action(() => {
      console.log(`skiff ${SKIFF_VERSION} (Kubernetes ${KUBERNETES_VERSION})`);
    });
}
