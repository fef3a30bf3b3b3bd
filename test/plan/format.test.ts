/** The plan's formats on plans of any size and any text a repository can hold. */
import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../src/plan/compare.js';
import { fenced, formatMarkdown, MARKER, MAX_COMMENT_BYTES, md } from '../../src/plan/format-markdown.js';
import type { ObjectChange, Plan } from '../../src/plan/plan.js';
import { formatBytes, formatCpu } from '../../src/plan/quantities.js';

function bigPlan(n: number, name: (i: number) => string): Plan {
  const objects: ObjectChange[] = Array.from({ length: n }, (_, i) => ({
    kind: 'Deployment',
    namespace: 'ns',
    name: name(i),
    path: `namespaces/ns/deployment-${i}.yaml`,
    change: 'changed',
    fields: ['spec.replicas'],
  }));
  const files: FileChange[] = objects.map((o, i) => ({
    path: o.path,
    change: 'changed',
    before: `a: ${i}\n${'x: 1\n'.repeat(20)}`,
    after: `a: ${i + 1}\n${'x: 1\n'.repeat(20)}`,
  }));
  return {
    base: { ref: 'main', sha: 'a'.repeat(40), label: 'main (aaaaaaaaaaaa)' },
    head: { ref: 'topic', sha: 'b'.repeat(40), label: 'topic (bbbbbbbbbbbb)' },
    declarations: {
      added: [],
      changed: objects.map((o) => ({ kind: 'McpTemplate', namespace: 'ns', name: o.name, file: `resources/${o.name}.yaml` })),
      removed: [],
    },
    objects: { created: [], updated: objects, deleted: [] },
    rollouts: objects.map((o) => ({ namespace: 'ns', name: o.name, file: 'f', causes: [{ kind: 'template' }] })),
    totals: objects.map((o, i) => ({
      namespace: `ns-${i}`,
      before: {
        pods: 1,
        requests: { cpu: { total: '1', unset: 0 }, memory: { total: '1Gi', unset: 0 }, 'ephemeral-storage': { total: '0', unset: 1 } },
        limits: { cpu: { total: '1', unset: 0 }, memory: { total: '1Gi', unset: 0 }, 'ephemeral-storage': { total: '0', unset: 1 } },
      },
      after: {
        pods: 2,
        requests: { cpu: { total: '2', unset: 0 }, memory: { total: '2Gi', unset: 0 }, 'ephemeral-storage': { total: '0', unset: 2 } },
        limits: { cpu: { total: '2', unset: 0 }, memory: { total: '2Gi', unset: 0 }, 'ephemeral-storage': { total: '0', unset: 2 } },
      },
    })),
    secrets: objects.map((o) => ({ namespace: 'ns', name: o.name, file: 'f', change: 'changed', added: ['k'], removed: [], changed: [] })),
    warnings: objects.map((o) => ({ code: 'replicas-zero', message: `McpTemplate ns/${o.name} has replicas: 0: no pod runs it` })),
    files,
  };
}

describe('mcpo plan --format markdown', () => {
  it('stays under 65,536 bytes and balanced whatever the size of every section', () => {
    for (const n of [1, 50, 2_000, 20_000]) {
      const text = formatMarkdown(bigPlan(n, (i) => `server-${i}`));
      expect(Buffer.byteLength(text), `${n}`).toBeLessThanOrEqual(MAX_COMMENT_BYTES);
      expect(text.startsWith(`${MARKER}\n`)).toBe(true);
      expect((text.match(/<details>/g) ?? []).length).toBe((text.match(/<\/details>/g) ?? []).length);
      expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
      if (n >= 2_000) expect(text).toContain(`See all of it with \`mcpo diff ${'a'.repeat(40)} ${'b'.repeat(40)}\``);
    }
  });

  it('escapes Markdown and HTML in names from the repository, and multi-byte text counts in bytes', () => {
    const text = formatMarkdown(bigPlan(3_000, (i) => `<img src=x onerror=alert(${i})>|**é€😀**|[link](http://x)`));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_COMMENT_BYTES);
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img src=x onerror=alert(0)&gt;\\|\\*\\*é€😀\\*\\*\\|\\[link\\](http://x)');
    expect(md('see #12 and @someone, `code` ~~x~~ _y_')).toBe('see \\#12 and \\@someone, \\`code\\` \\~\\~x\\~\\~ \\_y\\_');
    expect(md('a\nb\u0007')).not.toMatch(/[\n\u0007]/);
  });

  it('fences a diff so that no backticks inside can close it', () => {
    expect(fenced('diff', '+ ```\n+ ````\n')).toBe('`````diff\n+ ```\n+ ````\n`````\n');
  });
});

describe('totals in Kubernetes units', () => {
  const n = (x: bigint) => x * 10n ** 9n;
  it('prints CPU in cores or millicores and bytes with the largest exact suffix', () => {
    expect(formatCpu(n(3n))).toBe('3');
    expect(formatCpu(1_500_000_000n)).toBe('1500m');
    expect(formatCpu(250_000_000n)).toBe('250m');
    expect(formatCpu(1_000n)).toBe('1u');
    expect(formatBytes(0n)).toBe('0');
    expect(formatBytes(n(1536n * 1024n * 1024n))).toBe('1536Mi');
    expect(formatBytes(n(2n * 1024n ** 3n))).toBe('2Gi');
    expect(formatBytes(n(1_000_000n))).toBe('1M');
    expect(formatBytes(n(1234n))).toBe('1234');
  });
});
