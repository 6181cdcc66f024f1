import 'reflect-metadata';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { CliModule } from './commands/cli.module';
import { reportCommandError } from './commands/command-line';
import { AppConfig } from './config/app-config';

/** `npm run cli -- <command> [options]`: each command is one class in src/commands/. */
async function main(argv: string[]): Promise<void> {
  const config = AppConfig.fromEnvironment(process.env);
  const app = await CommandFactory.createWithoutRunning(CliModule.register(config), {
    logger: ['error', 'warn'],
    // Commander would end the process itself; thrown instead, its exit code is kept and the app still closes.
    errorHandler: (error) => {
      throw error;
    },
    serviceErrorHandler: reportCommandError,
  });
  try {
    // With no command, the list of commands as `help` prints it (commander alone would print it as an error).
    await app.get(CommandRunnerService).run(argv.length > 2 ? argv : [...argv, 'help']);
  } finally {
    await app.close();
  }
}

main(process.argv).catch(reportCommandError);
