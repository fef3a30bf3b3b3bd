/** Page tokens and page sizes (the parts clients cannot see through the server tests). */
import { describe, expect, it } from 'vitest';
import { cutPage, decodePageToken, effectivePageSize, encodePageToken, filterHash, matchesLabels, startPage } from '../../src/serve/pagination.js';
import { McpoError } from '../../src/core/errors.js';

const SHA = 'a'.repeat(40);

describe('page tokens', () => {
  it('round-trip and are opaque base64url', () => {
    const token = encodePageToken({ sha: SHA, offset: 50, filters: 'abc' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token)).toEqual({ sha: SHA, offset: 50, filters: 'abc' });
  });

  it('reject anything else as invalid', () => {
    const bad = [
      'x',
      '!!!',
      Buffer.from('{"v":2,"s":"","o":0,"f":""}').toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, s: 'not-a-sha', o: 0, f: '' })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, s: SHA, o: -1, f: '' })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, s: SHA, o: 1.5, f: '' })).toString('base64url'),
      'A'.repeat(600),
    ];
    for (const t of bad) {
      expect(() => decodePageToken(t), t).toThrow(McpoError);
      try {
        decodePageToken(t);
      } catch (e) {
        expect((e as McpoError).kind).toBe('usage');
        expect((e as McpoError).message).toMatch(/page.token/i);
      }
    }
  });

  it('hash filters canonically: map order does not matter, values and method do', () => {
    expect(filterHash('ListX', { label_selector: { a: '1', b: '2' }, namespace: '' })).toBe(
      filterHash('ListX', { namespace: '', label_selector: { b: '2', a: '1' } }),
    );
    expect(filterHash('ListX', { namespace: 'a' })).not.toBe(filterHash('ListX', { namespace: 'b' }));
    expect(filterHash('ListX', { namespace: 'a' })).not.toBe(filterHash('ListY', { namespace: 'a' }));
  });

  it('startPage refuses a token issued for other filters', () => {
    const first = startPage('ListX', { page_size: 1 }, { namespace: 'a' });
    const page = cutPage(['x', 'y', 'z'], first, SHA);
    expect(page).toMatchObject({ items: ['x'], total_count: 3 });
    expect(() => startPage('ListX', { page_token: page.next_page_token }, { namespace: 'b' })).toThrow(/other filters/);
    const next = startPage('ListX', { page_size: 5, page_token: page.next_page_token }, { namespace: 'a' });
    expect(next).toMatchObject({ sha: SHA, offset: 1, size: 5 });
    expect(cutPage(['x', 'y', 'z'], next, SHA)).toEqual({ items: ['y', 'z'], next_page_token: '', total_count: 3 });
    expect(() => cutPage(['x'], { ...next, offset: 2 }, SHA)).toThrow(/past the end/);
  });
});

describe('page sizes and label selectors', () => {
  it('0 → 50, above 500 → 500, negative is invalid', () => {
    expect(effectivePageSize(0)).toBe(50);
    expect(effectivePageSize(7)).toBe(7);
    expect(effectivePageSize(500)).toBe(500);
    expect(effectivePageSize(501)).toBe(500);
    expect(() => effectivePageSize(-1)).toThrow(/must not be negative/);
  });

  it('every pair must match', () => {
    const labels = { app: 'x', env: 'prod' };
    expect(matchesLabels(labels, {})).toBe(true);
    expect(matchesLabels(labels, { app: 'x' })).toBe(true);
    expect(matchesLabels(labels, { app: 'x', env: 'prod' })).toBe(true);
    expect(matchesLabels(labels, { app: 'x', env: 'dev' })).toBe(false);
    expect(matchesLabels(labels, { tier: '' })).toBe(false);
    expect(matchesLabels({ tier: '' }, { tier: '' })).toBe(true);
    expect(matchesLabels(labels, { toString: 'x' } as Record<string, string>)).toBe(false);
  });
});
