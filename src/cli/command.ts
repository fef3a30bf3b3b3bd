/** Commands return their exit code; main() reads it after parsing. */
let lastExitCode = 0;

export function action<A extends unknown[]>(fn: (...args: A) => Promise<number> | number) {
  return async (...args: A): Promise<void> => {
    lastExitCode = await fn(...args);
  };
}

export function takeExitCode(): number {
  const code = lastExitCode;
  lastExitCode = 0;
  return code;
}
