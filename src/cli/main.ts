import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/**
 * Each subcommand lives in its own file, loaded only when needed: `skiff agent` on a node
 * then never loads the API server, storage or controllers (~20 MB of a node's memory).
 */
const COMMANDS: Array<[name: string, load: () => Promise<Register>]> = [
  ['version', async () => (await import('./version.js')).registerVersionCommand],
  ['agent', async () => (await import('./agent.js')).registerAgentCommand],
  ['server', async () => (await import('./server.js')).registerServerCommand],
  ['scheduler', async () => (await import('./scheduler.js')).registerSchedulerCommand],
  ['sim', async () => (await import('./sim.js')).registerSimCommand],
  ['why', async () => (await import('./why.js')).registerWhyCommand],
  ['controller-manager', async () => (await import('./controller-manager.js')).registerControllerManagerCommand],
  ['up', async () => (await import('./up.js')).registerUpCommand],
  ['token', async () => (await import('./token.js')).registerTokenCommand],
  ['killall', async () => (await import('./killall.js')).registerKillallCommand],
  ['doctor', async () => (await import('./doctor.js')).registerDoctorCommand],
];

/** Builds the `skiff` command tree: just `only` when it names a subcommand, else every one (help, errors). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('skiff')
    .description('skiff: a Kubernetes-compatible container orchestrator')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const one = COMMANDS.filter(([name]) => name === only);
  for (const [, load] of one.length ? one : COMMANDS) (await load())(program);
  return program;
}

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[0]);
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
