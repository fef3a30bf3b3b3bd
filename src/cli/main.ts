import { Command, CommanderError } from 'commander';
import { takeExitCode } from './command.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { UsageError } from './output.js';
import { registerChangeCommands } from './change-commands.js';
import { registerSecret } from './secret.js';
import { registerValidate } from './validate.js';
import { registerSynth } from './synth.js';
import { registerDiff } from './diff.js';
import { registerServe } from './serve.js';

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
    if (err instanceof UsageError) {
      process.stderr.write(`mcpo: ${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`mcpo: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_INVALID;
  }
  return takeExitCode();
}
