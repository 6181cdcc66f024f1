import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';

/**
 * The top level of the command line: its name in the usage line, and an unknown command answered with the list of
 * commands on standard output (and exit code 1), as `help` gives it.
 */
@Injectable()
export class CommandLine implements OnModuleInit {
  constructor(@InjectCommander() private readonly program: Command) {}

  onModuleInit(): void {
    this.program.name('npm run cli --').usage('<command> [options]');
    this.program.on('command:*', ([name]: string[]) => {
      console.error(`Unknown command "${name}".`);
      this.program.outputHelp();
      process.exitCode = 1;
    });
  }
}

/** Commander's own exits (help shown, a missing option) carry their exit code; its message is already printed. */
function isCommanderExit(error: unknown): error is { exitCode: number } {
  return (
    error instanceof Error &&
    'exitCode' in error &&
    typeof error.exitCode === 'number' &&
    'code' in error &&
    String(error.code).startsWith('commander.')
  );
}

/** Errors thrown by a command or an option's check: one line on standard error, exit code 1. */
export function reportCommandError(error: unknown): void {
  if (isCommanderExit(error)) {
    process.exitCode = error.exitCode;
    return;
  }
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
