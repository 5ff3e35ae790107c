import { Command, CommanderError } from 'commander';
import { registerVersionCommand } from './version.js';
import { registerAgentCommand } from './agent.js';
import { registerServerCommand } from './server.js';
import { registerSchedulerCommand } from './scheduler.js';
import { registerSimCommand } from './sim.js';
import { registerWhyCommand } from './why.js';
import { registerControllerManagerCommand } from './controller-manager.js';
import { registerUpCommand } from './up.js';
import { registerTokenCommand } from './token.js';
import { registerKillallCommand } from './killall.js';
import { registerDoctorCommand } from './doctor.js';

/** Builds the `skiff` command tree. Each subcommand lives in its own file. */
export function buildProgram(): Command {
  const program = new Command('skiff')
    .description('skiff: a Kubernetes-compatible container orchestrator')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerVersionCommand(program);
  registerAgentCommand(program);
  registerServerCommand(program);
  registerSchedulerCommand(program);
  registerSimCommand(program);
  registerWhyCommand(program);
  registerControllerManagerCommand(program);
  registerUpCommand(program);
  registerTokenCommand(program);
  registerKillallCommand(program);
  registerDoctorCommand(program);
  return program;
}

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help or a one-line error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : err.exitCode || 1;
    }
    throw err;
  }
}
