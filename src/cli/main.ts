import { Command, CommanderError } from 'commander';
import { takeExitCode } from './command.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { registerChangeCommands } from './change-commands.js';
import { registerSecret } from './secret.js';
import { registerValidate } from './validate.js';
import { registerSynth } from './synth.js';
import { registerDiff } from './diff.js';
import { registerPlan } from './plan.js';
import { registerServe } from './serve.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { errorMessage, exitCodeFor, McpoError } from '../core/errors.js';

export function buildProgram(): Command {
  const program = new Command('mcpo')
    .description('GitOps for MCP servers on Kubernetes: validate, render and serve declarations')
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerChangeCommands(program);
  registerSecret(program);
  registerSynth(program);
  registerDiff(program);
  registerPlan(program);
  registerServe(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
