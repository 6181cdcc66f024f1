import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { AppConfig, ConfigError } from './app-config';

/**
 * What the long-running entry points (web app, worker) do first: validate the environment once,
 * and on a bad variable stop with the one line that names it instead of a stack trace.
 */
export function configOrExit(): AppConfig {
  try {
    return AppConfig.fromEnvironment(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

const LEVELS = ['error', 'warn', 'log', 'debug'] as const;

/** Nest's logger levels for LOG_LEVEL: that level and every more severe one (fatal always). */
export function logLevelsFor(config: AppConfig): LogLevel[] {
  return [...LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1), 'fatal'];
}

/** Nest's start-up chatter (a line per route and module) that only someone debugging the wiring wants. */
const WIRING_CONTEXTS = new Set(['RouterExplorer', 'RoutesResolver', 'InstanceLoader']);

/** The console logger at LOG_LEVEL, with route and module wiring logged at debug level instead of log. */
class StartupLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && WIRING_CONTEXTS.has(context)) super.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}

export function startupLogger(config: AppConfig): ConsoleLogger {
  return new StartupLogger({ logLevels: logLevelsFor(config) });
}

/** The last thing `npm start` prints: where the app is and, for a fresh demo, one sign-in link per role. */
export function startupBox(
  address: string,
  demoLinks: ReadonlyArray<{ role: string; name: string; link: string }>,
): string {
  const lines = [`Open ${address}`];
  if (demoLinks.length) {
    lines.push('', 'Demo sign-in (single-use links: choose a password, valid 7 days):');
    for (const l of demoLinks) lines.push(`  ${l.role.padEnd(10)} ${l.name}: ${l.link}`);
  }
  const width = Math.max(...lines.map((l) => l.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return [rule, ...lines.map((l) => `| ${l.padEnd(width)} |`), rule].join('\n');
}
