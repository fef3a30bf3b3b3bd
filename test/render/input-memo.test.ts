/**
 * The input-hash memo (src/render/input-memo.ts): a damaged, foreign or
 * truncated memo counts as empty (every hash made again, the same as without
 * a memo), and a memo made under another renderer key or bridge image is not
 * used: synth then renders what a full render would write. The memo's
 * completeness over random change sets is in incremental.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildCache, buildModel } from '../../src/model/build.js';
import type { Model } from '../../src/model/types.js';
import { renderObjects } from '../../src/render/app.js';
import { synthFiles } from '../../src/render/incremental.js';
import { planObjects, rendererKey } from '../../src/render/inputs.js';
import { renderJob } from '../../src/render/parallel-render.js';
import { newChunkCounter } from '../../src/core/chunk-counter.js';
import { writeRendered } from '../../src/render/write.js';
import { NAMESPACE, PRESET, TEMPLATE, sealedSecretYaml } from '../declarations/fixtures.js';
import { countingMemo } from '../support/input-memo.js';
import { prng } from '../support/random.js';
import { tempFolders } from '../support/temp.js';

const temp = tempFolders('mcpo-input-memo-');
const tempDir = temp.make;

const BRIDGE = 'registry.example.com/mcpo-bridge:0.1.0';
const http = (name: string) => TEMPLATE.replace('my-memory-server', name).replace('command: [npx]\n', 'transport: TRANSPORT_STREAMABLE_HTTP\ncommand: [npx]\n');
const secretReader = (name: string) =>
  TEMPLATE.replace('my-memory-server', name).replace('env_vars:\n', 'env_vars:\n  - name: TOKEN\n    secret_key_ref:\n      name: db\n      key: token\n');

function repository(): { model: Model; cache: BuildCache } {
  const files: Record<string, string> = {
    'resources/namespace.yaml': NAMESPACE,
    'resources/preset.yaml': PRESET,
    'resources/secret.yaml': sealedSecretYaml('db', 'token'),
    'resources/templates/stdio.yaml': TEMPLATE,
    'resources/templates/reader.yaml': secretReader('reader'),
    'resources/templates/http.yaml': http('web'),
  };
  const cache = new BuildCache();
  const { model, diagnostics } = buildModel({ files: Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) })) }, cache);
  if (!model) throw new Error(JSON.stringify(diagnostics));
  return { model, cache };
}

const maps = (_: string, v: unknown) => (v instanceof Map ? [...v] : v);
const hashes = (objects: ReturnType<typeof planObjects>) => objects.map((o) => [o.path, o.hash]);

describe('the input-hash memo', () => {
  it('counts a damaged, foreign or truncated memo as empty, and gives the hashes a plan without it gives', () => {
    const { model, cache } = repository();
    const options = { bridgeImage: BRIDGE };
    const want = hashes(planObjects(model, options));
    const path = join(tempDir(), 'inputs.cache');
    const fresh = countingMemo(path, cache);
    expect(hashes(planObjects(model, options, undefined, undefined, fresh.memo))).toEqual(want);
    fresh.memo.save();
    const good = readFileSync(path, 'utf8');
    const lines = good.split('\n');
    // The whole memo is used: every object's hash from it, none of their inputs built until read.
    const whole = countingMemo(path, cache);
    expect(hashes(planObjects(model, options, undefined, undefined, whole.memo))).toEqual(want);
    expect(whole.hits()).toBe(want.length);

    const r = prng(11);
    const damaged: [string, string][] = [
      ['not a memo', 'not a memo\n'],
      ['another format', good.replace('mcpo-input-memo 1', 'mcpo-input-memo 0')],
      ['another key', good.replace(/^(\S+ \S+ )[0-9a-f]{8}/, '$100000000')],
      ['cut in the middle', good.slice(0, Math.floor(good.length / 2))],
      ['cut after a line', `${lines.slice(0, 4).join('\n')}\n`],
      ['its last line left out', `${lines.slice(0, -2).join('\n')}\n`],
      ['a line left out', `${[...lines.slice(0, 2), ...lines.slice(3)].join('\n')}`],
      ['random bytes', Buffer.from(Array.from({ length: 4096 }, () => r.int(256))).toString('latin1')],
      ['empty', ''],
    ];
    for (const [what, text] of damaged) {
      writeFileSync(path, text);
      const opened = countingMemo(path, cache);
      expect(hashes(planObjects(model, options, undefined, undefined, opened.memo)), what).toEqual(want);
      expect(opened.hits(), what).toBe(0);
      opened.memo.save();
    }
    // After the last plan the memo is whole again and used.
    const healed = countingMemo(path, cache);
    planObjects(model, options, undefined, undefined, healed.memo);
    expect(healed.hits()).toBe(want.length);

    // A line damaged in its deps or its hash: a miss for that object alone, and the right hash.
    const first = lines[1]!;
    for (const line of [first.replace(/ (\S)/, ' x$1'), first.replace(/\t[0-9a-f]/, '\tg'), first.replace(/[0-9a-f]$/, '')]) {
      writeFileSync(path, good.replace(first, line));
      const opened = countingMemo(path, cache);
      expect(hashes(planObjects(model, options, undefined, undefined, opened.memo))).toEqual(want);
      expect(opened.hits()).toBe(want.length - 1);
    }
  });

  it('is not used under another renderer key or bridge image: synth renders what a full render writes', async () => {
    const { model, cache } = repository();
    const path = join(tempDir(), 'inputs.cache');
    const out = join(tempDir(), 'dist');
    const synth = async (bridgeImage: string, renderer: string) => {
      const { memo, hits } = countingMemo(path, cache);
      const result = await synthFiles(model, { bridgeImage }, out, { renderer, memo });
      await writeRendered(result.files, out, result.verified);
      memo.save();
      const expected = renderObjects(planObjects(model, { bridgeImage }, undefined, renderer));
      for (const [file, text] of expected) expect(readFileSync(join(out, file), 'utf8'), file).toBe(text);
      return { rendered: result.rendered, hits: hits() };
    };
    const objects = planObjects(model, { bridgeImage: BRIDGE }).length;
    expect(await synth(BRIDGE, rendererKey())).toEqual({ rendered: objects, hits: 0 });
    expect(await synth(BRIDGE, rendererKey())).toEqual({ rendered: 0, hits: objects });
    // A new bridge image reaches the stdio templates' Deployments (two of them): a memo kept under the old one would keep their files.
    expect(await synth(`${BRIDGE}-new`, rendererKey())).toEqual({ rendered: 2, hits: 0 });
    expect(await synth(`${BRIDGE}-new`, rendererKey())).toEqual({ rendered: 0, hits: objects });
    // A new renderer renders everything again.
    expect(await synth(`${BRIDGE}-new`, `${rendererKey()} (next)`)).toEqual({ rendered: objects, hits: 0 });
  });

  it('gives the render worker every input, built, when the hashes came from it', () => {
    const { model, cache } = repository();
    const options = { bridgeImage: BRIDGE };
    const planned = planObjects(model, options);
    const path = join(tempDir(), 'inputs.cache');
    const first = countingMemo(path, cache);
    planObjects(model, options, undefined, undefined, first.memo);
    first.memo.save();
    const recalled = countingMemo(path, cache);
    const objects = planObjects(model, options, undefined, undefined, recalled.memo);
    expect(recalled.hits()).toBe(planned.length);
    // What the worker receives: a structured clone of the job.
    const received = structuredClone(renderJob(objects, newChunkCounter())).objects;
    expect(received.map((o) => [o.path, o.file, o.hash, JSON.stringify(o.input, maps)])).toEqual(
      planned.map((o) => [o.path, o.file, o.hash, JSON.stringify(o.input, maps)]),
    );
    expect(renderObjects(received)).toEqual(renderObjects(planned));
  });

  it('is written again only when more than 1/64 of its lines differ; a line left as it was is a miss, never a wrong hash', () => {
    const files = new Map<string, string>([
      ['resources/namespace.yaml', NAMESPACE],
      ['resources/preset.yaml', PRESET],
      ...Array.from({ length: 200 }, (_, i) => [`resources/templates/t${i}.yaml`, TEMPLATE.replace('my-memory-server', `t${i}`)] as [string, string]),
    ]);
    const options = { bridgeImage: BRIDGE };
    const path = join(tempDir(), 'inputs.cache');
    const cache = new BuildCache();
    /** Plans the files with the memo and saves it: whether the memo file changed, and how many hashes it gave. */
    const plan = () => {
      const { model } = buildModel({ files: [...files].map(([p, text]) => ({ path: p, content: Buffer.from(text) })) }, cache);
      const before = readFileSync(path, { flag: 'a+' }).toString('utf8');
      const { memo, hits } = countingMemo(path, cache);
      expect(hashes(planObjects(model!, options, undefined, undefined, memo))).toEqual(hashes(planObjects(model!, options)));
      memo.save();
      return { written: readFileSync(path, 'utf8') !== before, hits: hits() };
    };
    expect(plan()).toEqual({ written: true, hits: 0 });
    const objects = 1 + 2 * 200;
    expect(plan()).toEqual({ written: false, hits: objects });
    // One template changed: its 2 lines of 401 differ (4 lines between the files), the memo is left as it was, and those two miss until it is written again.
    files.set('resources/templates/t7.yaml', files.get('resources/templates/t7.yaml')!.replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    expect(plan()).toEqual({ written: false, hits: objects - 2 });
    expect(plan()).toEqual({ written: false, hits: objects - 2 });
    // Three templates removed and one added: 12 lines differ, the memo is written again (without the removed ones).
    for (const i of [1, 2, 3]) files.delete(`resources/templates/t${i}.yaml`);
    files.set('resources/templates/new.yaml', TEMPLATE.replace('my-memory-server', 'new'));
    expect(plan()).toEqual({ written: true, hits: objects - 2 * 3 + 2 - 4 });
    expect(plan()).toEqual({ written: false, hits: objects - 2 * 3 + 2 });
    expect(readFileSync(path, 'utf8')).not.toContain('/deployment-t1.yaml');
  });
});
