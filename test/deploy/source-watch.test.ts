/**
 * How a remote that stays unreadable is reported: one warning when it starts
 * failing, then again at 1 min, 2, 4, 8 and at most every 15 min however
 * often the follower polls, one line when it recovers; the reason (for the
 * x-mcpo-source-error header) follows the latest failure.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SourceWatch } from '../../src/serve/health.js';
import { recordingLogger } from '../serve/_support.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

describe('SourceWatch', () => {
  it('logs once, then at a doubling interval capped at 15 minutes, and once on recovery', () => {
    const { logger, lines } = recordingLogger();
    let changes = 0;
    const watch = new SourceWatch({ log: logger, onChange: () => changes++, serving: () => 'abc' });
    const minute = 60_000;
    const loggedAt: number[] = [];
    // A poll every 30 s for two hours, always failing the same way.
    for (let t = 0; t <= 120 * minute; t += 30_000) {
      vi.setSystemTime(t);
      const before = lines().length;
      watch.failed(new Error('fetch from https://git.example/config.git failed: Authentication failed'));
      if (lines().length > before) loggedAt.push(t / minute);
    }
    expect(loggedAt).toEqual([0, 1, 3, 7, 15, 30, 45, 60, 75, 90, 105, 120]);
    expect(lines()[0]).toMatchObject({ level: 'warn', msg: expect.stringContaining('still serving the last good commit'), serving: 'abc' });
    expect(lines()[1]).toMatchObject({ level: 'warn', msg: 'still cannot read the followed branch', failedPolls: 3 });
    expect(watch.reason).toMatch(/Authentication failed/);
    expect(changes).toBe(1);

    // Another reason: the header follows it (onChange), the log does not repeat it at once.
    watch.failed(new Error('git fetch timed out after 120000 ms'));
    expect(watch.reason).toBe('git fetch timed out after 120000 ms');
    expect(changes).toBe(2);

    watch.readable();
    expect(watch.reason).toBeUndefined();
    expect(watch.failing).toBe(false);
    expect(lines().at(-1)).toMatchObject({ level: 'info', msg: 'the followed branch can be read again' });
    expect(changes).toBe(3);
  });
});
