import type { LogLevel } from '@nestjs/common';
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
