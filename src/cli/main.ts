import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { takeExitCode } from './command.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { errorMessage, exitCodeFor, McpoError } from '../core/errors.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when it runs: a command's module
 * imports its whole pipeline (cdk8s, grpc-js, the Kubernetes client), and
 * loading all of them costs every command most of a second. In help order.
 */
const COMMANDS: ReadonlyArray<readonly [names: readonly string[], load: () => Promise<Register>]> = [
  [['validate'], async () => (await import('./validate.js')).registerValidate],
  [['create', 'delete'], async () => (await import('./change-commands.js')).registerChangeCommands],
  [['secret'], async () => (await import('./secret.js')).registerSecret],
  [['synth'], async () => (await import('./synth.js')).registerSynth],
  [['diff'], async () => (await import('./diff.js')).registerDiff],
  [['plan'], async () => (await import('./plan.js')).registerPlan],
  [['serve'], async () => (await import('./serve.js')).registerServe],
];

/** The program with the named command registered, or every command (for help, or a name that is none). */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('mcpo')
    .description('GitOps for MCP servers on Kubernetes: validate, render and serve declarations')
    .version((createRequire(import.meta.url)('../../package.json') as { version: string }).version, '-V, --version', "print mcp-orchestrator's version")
    .showHelpAfterError()
    .exitOverride();
  const one = COMMANDS.filter(([names]) => command !== undefined && names.includes(command));
  for (const [, load] of one.length > 0 ? one : COMMANDS) (await load())(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[0]);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    for (const d of err instanceof McpoError ? err.diagnostics : []) process.stderr.write(`${formatDiagnostic(d)}\n`);
    const hint = err instanceof McpoError && err.hint ? ` (${err.hint})` : '';
    process.stderr.write(`mcpo: ${errorMessage(err)}${hint}\n`);
    return exitCodeFor(err);
  }
  return takeExitCode();
}
