/**
 * Structured logs: one JSON object per line on stderr
 * ({"time","level","msg",...fields}). Callers pass fields, never request
 * payloads (secret write calls carry values).
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  enabled(level: LogLevel): boolean;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (l: LogLevel): boolean => LOG_LEVELS.indexOf(l) >= threshold;
  const emit = (l: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (!enabled(l)) return;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...fields });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level: l, msg, note: 'fields not serializable' });
    }
    write(`${line}\n`);
  };
  return {
    level,
    enabled,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = createLogger('error', () => undefined);
