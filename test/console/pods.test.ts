/**
 * Live servers in the console, against a real kube-apiserver + etcd (test/kube):
 * no kubelet runs, so the test creates the pod the rendered Deployment would
 * create and sets its status through the status subresource, as a kubelet
 * would; the console (headless Chromium) shows the change without a reload.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Browser } from 'playwright-core';
import { launchChromium } from './_browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver.js';
import { mcpo, type Served, startMcpoServe } from '../support/mcpo.js';

let kube: KubeApiServer;
let core: CoreV1Api;
let repo: TestRepo;
let served: Served;
let browser: Browser;
let dist: string;
let base: string;

beforeAll(async () => {
  kube = await startKubeApiServer();
  core = kube.kubeConfig().makeApiClient(CoreV1Api);
  dist = mkdtempSync(join(tmpdir(), 'mcpo-console-dist-'));
  const synth = mcpo(['synth', '--out', dist]);
  if (synth.code !== 0) throw new Error(synth.stderr);
  repo = await TestRepo.create();
  for (const file of ['namespaces/default.yaml', 'resource-limits/n1-standard-nano.yaml', 'templates/default/my-memory-server.yaml'])
    repo.write(`resources/${file}`, readFileSync(join(REPO_ROOT, 'resources', file)));
  await repo.commit('seed');
  served = await startMcpoServe(['--repo', repo.dir, '--kubeconfig', kube.kubeconfigPath, '--http-port', '0']);
  base = `http://127.0.0.1:${served.logs().find((l) => l.msg === 'listening')!.httpPort as number}`;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.kill();
  await kube?.stop();
  repo?.dispose();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

/** The pod the rendered Deployment would create. */
function podFromDist(name: string): V1Pod {
  const text = readFileSync(join(dist, 'namespaces/default/deployment-my-memory-server.yaml'), 'utf8');
  const deployment = parseAllDocuments(text)[0]!.toJS() as { spec: { template: { metadata: V1Pod['metadata']; spec: V1Pod['spec'] } } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...deployment.spec.template.metadata, name, namespace: 'default' },
    spec: deployment.spec.template.spec!,
  };
}

async function setStatus(name: string, status: V1Pod['status']): Promise<void> {
  const pod = await core.readNamespacedPod({ name, namespace: 'default' });
  pod.status = status;
  await core.replaceNamespacedPodStatus({ name, namespace: 'default', body: pod });
}

describe('live servers in the console', () => {
  it('shows a pod in CrashLoopBackOff with its restarts, then its recovery, without a reload', async () => {
    const name = 'my-memory-server-7d9f-abcde';
    await core.createNamespacedPod({ namespace: 'default', body: podFromDist(name) });
    await setStatus(name, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'mcp-server',
          image: 'node:24-alpine3.21',
          imageID: '',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
        },
      ],
    });

    const context = await browser.newContext();
    const offsite: string[] = [];
    await context.route('**/*', (route) => {
      if (new URL(route.request().url()).origin !== base) {
        offsite.push(route.request().url());
        return route.abort();
      }
      return route.continue();
    });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      const row = page.locator('table.pods tbody tr').filter({ hasText: name });
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      const cells = async () => (await row.locator('td').allTextContents()).map((t) => t.trim());
      expect(await cells()).toEqual([name, 'Running', 'no', '3', 'CrashLoopBackOffback-off 40s restarting failed container']);
      expect(await row.locator('td').last().locator('.muted').textContent()).toBe('back-off 40s restarting failed container');
      // `MCPO_CONSOLE_SCREENSHOTS=docs/console npx vitest run test/console/pods.test.ts` refreshes the README's picture.
      const shots = process.env.MCPO_CONSOLE_SCREENSHOTS;
      if (shots)
        await page
          .locator('[data-testid="template"]')
          .first()
          .screenshot({ path: join(shots, 'live-servers.png') });

      await setStatus(name, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'mcp-server', image: 'node:24-alpine3.21', imageID: '', ready: true, restartCount: 3, state: { running: {} } }],
      });
      await expect.poll(cells, { timeout: 15_000 }).toEqual([name, 'Running', 'yes', '3', '']);
      expect(offsite).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
