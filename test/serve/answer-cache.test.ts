import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/serve/http/answer-cache.js';

const answer = (bytes: number, sha = 'a'.repeat(40)) => ({
  body: Buffer.alloc(bytes, 'x'),
  sha,
  etag: `"${sha}"`,
  method: 'ListMcpTemplates',
  route: '/v1/templates',
});

describe('the HTTP answer cache', () => {
  it('answers only for the snapshot it was filled on, and empties when another is current', () => {
    const cache = new AnswerCache();
    const one = {};
    const two = {};
    cache.set(one, '/v1/templates', answer(10));
    expect(cache.get(one, '/v1/templates')?.body.length).toBe(10);
    expect(cache.get(two, '/v1/templates')).toBeUndefined();
    expect(cache.get(undefined, '/v1/templates')).toBeUndefined();
    cache.set(two, '/v1/namespaces', answer(5));
    expect(cache.get(one, '/v1/templates')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('stays within its entry and byte budgets, oldest out first, and skips a page too large to keep', () => {
    const snapshot = {};
    const byEntries = new AnswerCache(3, 1_000_000);
    for (let i = 0; i < 10; i++) byEntries.set(snapshot, `/u${i}`, answer(1));
    expect(byEntries.size).toBe(3);
    expect(byEntries.get(snapshot, '/u9')).toBeDefined();
    expect(byEntries.get(snapshot, '/u6')).toBeUndefined();

    const byBytes = new AnswerCache(1000, 1600); // a sixteenth: 100 bytes per answer at most
    for (let i = 0; i < 40; i++) byBytes.set(snapshot, `/p${i}`, answer(90));
    expect(byBytes.size).toBeLessThanOrEqual(17);
    expect(byBytes.get(snapshot, '/p39')).toBeDefined();
    byBytes.set(snapshot, '/huge', answer(101));
    expect(byBytes.get(snapshot, '/huge')).toBeUndefined();
  });
});
