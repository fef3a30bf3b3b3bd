import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../src/render/stdio-bridge.js';

describe('shellJoin (the bridge runs the declared command with /bin/sh -c)', () => {
  it('leaves plain words bare, as in the seed example', () => {
    expect(shellJoin(['npx', '-y', '@modelcontextprotocol/server-memory'])).toBe('npx -y @modelcontextprotocol/server-memory');
    expect(shellQuote('')).toBe("''");
  });

  it('gives a real /bin/sh exactly the same argv back', () => {
    const argv = ["it's", 'two words', '$HOME', '$(id)', '`id`', 'a"b', 'back\\slash', '*', '', 'line\nbreak', '~', 'x;y', 'a|b', '#c', "''", 'ünïcode'];
    const script = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
    const result = spawnSync('/bin/sh', ['-c', shellJoin([process.execPath, '-e', script, ...argv])], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(argv);
  });
});
