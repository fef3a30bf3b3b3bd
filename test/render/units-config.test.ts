/**
 * The `gitops` section of mcpo.yaml: its defaults, and every refusal naming
 * the field, with a hint where the fix is clear; through the real CLI too
 * (synth and diff read it).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { McpoError } from '../../src/core/errors.js';
import { parseRepoConfig } from '../../src/declarations/repo-config.js';
import { REPO_ROOT } from '../support/build.js';
import { mcpo } from '../support/mcpo.js';

function refusal(text: string): McpoError {
  try {
    parseRepoConfig(text);
  } catch (err) {
    if (err instanceof McpoError) return err;
    throw err;
  }
  throw new Error(`expected a refusal of:\n${text}`);
}

const BASE = 'gitops:\n  layout: units\n  repoURL: https://git.example.com/p/c.git\n';

describe('mcpo.yaml: gitops', () => {
  it('defaults to the single layout, and fills in what Argo CD and Flux need', () => {
    for (const text of ['', 'gitops:\n', 'gitops: {}\n']) expect(parseRepoConfig(text).gitops?.layout ?? 'single', text).toBe('single');
    expect(parseRepoConfig(`${BASE}  argocd: {}\n  flux: { sourceRef: mcp-config }\n`).gitops).toEqual({
      layout: 'units',
      repoURL: 'https://git.example.com/p/c.git',
      revision: 'HEAD',
      path: 'dist',
      argocd: { namespace: 'argocd', project: 'default', server: 'https://kubernetes.default.svc' },
      flux: { namespace: 'flux-system', sourceRef: { kind: 'GitRepository', name: 'mcp-config' }, interval: '10m', timeout: '5m' },
    });
    expect(
      parseRepoConfig(
        'gitops:\n  layout: units\n  path: deploy/out\n  flux:\n    sourceRef: { kind: OCIRepository, name: cfg, namespace: sources }\n    interval: 1h30m\n',
      ).gitops,
    ).toMatchObject({ path: 'deploy/out', flux: { sourceRef: { kind: 'OCIRepository', name: 'cfg', namespace: 'sources' }, interval: '1h30m' } });
    for (const url of ['git@git.example.com:p/c.git', 'ssh://git@git.example.com/p/c.git', 'http://gitea.local:3000/p/c'])
      expect(parseRepoConfig(`gitops:\n  repoURL: ${url}\n`).gitops?.repoURL).toBe(url);
  });

  it('refuses what is wrong, naming the field', () => {
    const cases: [string, RegExp, RegExp?][] = [
      [
        'gitops:\n  layot: units\n',
        /^mcpo\.yaml: gitops\.layot: unknown field \(known: layout, repoURL, revision, path, argocd, flux\)$/,
        /did you mean "layout"/,
      ],
      ['gitops:\n  layout: unit\n', /^mcpo\.yaml: gitops\.layout: "unit" is not a layout \(known: single, units\)$/, /did you mean "units"/],
      ['gitops:\n  layout: 3\n', /^mcpo\.yaml: gitops\.layout: expected a string, not number "3"$/],
      ['gitops:\n  layout: units\n  argocd: {}\n', /^mcpo\.yaml: gitops\.repoURL: required when gitops\.argocd is set/, /repoURL: https:/],
      [
        `${BASE}  argocd: { projet: x }\n`,
        /^mcpo\.yaml: gitops\.argocd\.projet: unknown field \(known: namespace, project, server\)$/,
        /did you mean "project"/,
      ],
      [`${BASE}  argocd: { namespace: Argo_CD }\n`, /^mcpo\.yaml: gitops\.argocd\.namespace: "Argo_CD" is not a Kubernetes namespace name/],
      [`${BASE}  argocd: true\n`, /^mcpo\.yaml: gitops\.argocd: expected a mapping, not boolean "true"$/],
      [`${BASE}  flux: {}\n`, /^mcpo\.yaml: gitops\.flux\.sourceRef: required when gitops\.flux is set$/, /GitRepository/],
      [`${BASE}  flux: { sourceRef: mcp-config, interval: 10 minutes }\n`, /^mcpo\.yaml: gitops\.flux\.interval: "10 minutes" must not contain white space/],
      [`${BASE}  flux: { sourceRef: mcp-config, timeout: 5min }\n`, /^mcpo\.yaml: gitops\.flux\.timeout: "5min" is not a duration$/, /30s, 10m/],
      [
        `${BASE}  flux: { sourceRef: { kind: HelmRepository, name: x } }\n`,
        /^mcpo\.yaml: gitops\.flux\.sourceRef\.kind: "HelmRepository" is not a Flux source kind/,
      ],
      [`${BASE}  flux: { sourceRef: { kind: GitRepository } }\n`, /^mcpo\.yaml: gitops\.flux\.sourceRef\.name: required$/],
      [`${BASE}  flux: { sourceRef: { nam: x } }\n`, /^mcpo\.yaml: gitops\.flux\.sourceRef\.nam: unknown field/, /did you mean "name"/],
      ['gitops:\n  repoURL: not a url\n', /^mcpo\.yaml: gitops\.repoURL: "not a url" must not contain white space/],
      ['gitops:\n  repoURL: example.com/p.git\n', /^mcpo\.yaml: gitops\.repoURL: "example\.com\/p\.git" is not a git repository URL$/],
      ['gitops:\n  revision: "{{.x}}"\n', /^mcpo\.yaml: gitops\.revision: "\{\{\.x\}\}" must not contain "\{" or "\}"$/],
      ['gitops:\n  path: ./dist\n', /^mcpo\.yaml: gitops\.path: "\.\/dist" is not a clean relative path in the repository$/, /no leading/],
      ['gitops:\n  path: dist/*\n', /^mcpo\.yaml: gitops\.path: "dist\/\*" is not a clean relative path/],
      ['gitops:\n  path: ../dist\n', /^mcpo\.yaml: gitops\.path: "\.\.\/dist" is not a clean relative path/],
      [
        'gitops:\n  repoURL: https://x/y.git\n  argocd: {}\n',
        /^mcpo\.yaml: gitops\.argocd: the Argo CD and Flux objects are rendered for layout: units only$/,
        /layout: units/,
      ],
      ['gitops:\n  flux: { sourceRef: x }\n', /^mcpo\.yaml: gitops\.flux: the Argo CD and Flux objects are rendered for layout: units only$/],
      ['gitops:\n  "\\e[2J": 1\n', /^mcpo\.yaml: gitops\.\\x1b\[2J: unknown field/],
      [`gitops:\n  revision: ${'r'.repeat(3000)}\n`, /^mcpo\.yaml: gitops\.revision: longer than 2048 characters$/],
    ];
    for (const [text, message, hint] of cases) {
      const err = refusal(text);
      expect(err.kind, text).toBe('invalid');
      expect(err.message, text).toMatch(message);
      if (hint) expect(err.hint, text).toMatch(hint);
    }
  });

  it('is read by synth and diff through the CLI, and an error stops them with exit 1 and 2', () => {
    const repo = mkdtempSync(join(tmpdir(), 'mcpo-units-config-'));
    try {
      cpSync(join(REPO_ROOT, 'resources'), join(repo, 'resources'), { recursive: true });
      writeFileSync(join(repo, 'mcpo.yaml'), 'gitops:\n  layout: unit\n');
      const synth = mcpo(['synth', '--repo', repo]);
      expect(synth.code).toBe(1);
      expect(synth.stderr).toContain('mcpo.yaml: gitops.layout: "unit" is not a layout (known: single, units)');
      expect(synth.stderr).toContain('did you mean "units"?');
      // diff reads each side's own mcpo.yaml: the working tree's is refused, the commit's is fine.
      const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args]);
      git('init', '-q');
      git('add', 'resources');
      git('commit', '-qm', 'seed');
      const diff = mcpo(['diff', 'HEAD', '--repo', repo]);
      expect(diff.code).toBe(2);
      expect(diff.stderr).toContain('mcpo.yaml: gitops.layout: "unit" is not a layout');
      writeFileSync(join(repo, 'mcpo.yaml'), `${BASE}  flux: { sourceRef: mcp-config }\n`);
      const units = mcpo(['diff', 'HEAD', '--repo', repo]);
      expect(units.code, units.stderr).toBe(1);
      // The aggregating files go, the gitops/ objects come.
      expect(units.stdout).toMatch(/^--- a\/kustomization\.yaml\tHEAD/m);
      expect(units.stdout).toMatch(/^--- a\/namespaces\/kustomization\.yaml\tHEAD/m);
      expect(units.stdout).toMatch(/^\+\+\+ b\/gitops\/flux\/kustomization-mcp-ns-default\.yaml\tworking tree/m);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
