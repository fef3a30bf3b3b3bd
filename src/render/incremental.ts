/**
 * Incremental synth: render only the objects whose inputs changed.
 *
 * Every object file records, in its second header line, a hash of what the
 * object was rendered from (inputs.ts: the declaration, its preset, the
 * secret values it reads, the options it reads, the renderer's version) and
 * of the rest of the file. The output folder is its own cache: a fresh CI
 * clone with a committed dist/ renders only what its change touched. Before
 * rendering, the object files are read (output-records.ts: regular files
 * only, not followed through symlinks, bounded; read-ahead.ts reads them on a
 * worker thread beside the model build) and each is kept when its line matches the input planned now
 * and its content is what was written then; every other
 * object (new, changed, or whose file is missing or was edited by hand) is
 * rendered, by the worker that read the folder when it has loaded the renderers meanwhile
 * (this thread would load them first). The layout files are always made again (from the paths alone),
 * and write.ts removes everything else: the files of removed declarations.
 *
 * The result is byte-identical to a full render: the same planned inputs
 * go through the same renderer (test/render/incremental.test.ts compares
 * both over random change sets). The renderers (cdk8s-plus-28) are loaded
 * only when something is rendered; large renders use the second core
 * (parallel-render.ts). With the input-hash memo (input-memo.ts), the
 * objects whose declaration files did not change are not even planned
 * again: their recorded hash is compared, and their input built only when
 * they are rendered.
 */
import type { Worker } from 'node:worker_threads';
import type { Model } from '../model/types.js';
import { isRecordOf } from './input-line.js';
import { type HashMemo, type PlannedObject, planObjects } from './inputs.js';
import type { RenderOptions } from './mcp-server-workload.js';
import { type OutputRecords, readOutputRecords } from './output-records.js';

export interface IncrementalOptions {
  /** Render every object, whatever the output folder holds. */
  readonly full?: boolean;
  /** The renderer's key (inputs.ts rendererKey); tests change it to stand for a new version. */
  readonly renderer?: string;
  /** Render on this thread only (tests of the one-thread path; the result is the same). */
  readonly oneThread?: boolean;
  /** The output folder's records, when their reading was started earlier (read-ahead.ts, beside the model build); else read here. */
  readonly output?: Promise<OutputRecords>;
  /** The worker that read them, if it has loaded the renderers meanwhile (read-ahead.ts `renderer`): it renders. */
  readonly warm?: () => Worker | undefined;
  /** The input-hash memo (input-memo.ts): the hashes of objects whose declaration files are unchanged, without building their inputs. */
  readonly memo?: HashMemo;
}

export interface SynthFiles {
  /** The texts to write: the objects rendered this time and the layout files. */
  readonly files: Map<string, string>;
  /** Object paths whose files already hold exactly what a render would write. */
  readonly verified: ReadonlySet<string>;
  /** How many objects were rendered. */
  readonly rendered: number;
  /** Every object a full render gives, in plan order, with its input hash (synth-state.ts keeps them). */
  readonly planned: readonly { readonly path: string; readonly hash: string }[];
}

/** The planned objects whose files (their records read from the output folder) already hold exactly what rendering them would write. */
export function verifiedObjects(objects: readonly PlannedObject[], records: OutputRecords): Set<string> {
  const verified = new Set<string>();
  for (const object of objects) {
    const record = records.get(object.path);
    if (record && isRecordOf(record, object.hash)) verified.add(object.path);
  }
  return verified;
}

/** The texts synth writes: the objects to render (by the warm worker when there is one) and the layout files of every object path. */
export async function renderedFiles(
  toRender: readonly PlannedObject[],
  paths: readonly string[],
  options: RenderOptions,
  opts: Pick<IncrementalOptions, 'oneThread' | 'warm'> = {},
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (toRender.length > 0) {
    const { renderInParallel } = await import('./parallel-render.js');
    for (const [path, text] of await renderInParallel(toRender, { oneThread: opts.oneThread, warm: opts.warm?.() })) files.set(path, text);
  }
  const { layoutFiles } = await import('./kustomization.js');
  for (const [path, text] of layoutFiles(paths, options.gitops)) files.set(path, text);
  return files;
}

/** What synth writes into `outDir` for the model: rendered where its files are not current. Writes nothing. */
export async function synthFiles(model: Model, options: RenderOptions, outDir: string, opts: IncrementalOptions = {}): Promise<SynthFiles> {
  const objects = planObjects(model, options, undefined, opts.renderer, opts.memo);
  const verified = opts.full ? new Set<string>() : verifiedObjects(objects, await (opts.output ?? readOutputRecords(outDir)));
  const toRender = objects.filter((o) => !verified.has(o.path));
  const files = await renderedFiles(
    toRender,
    objects.map((o) => o.path),
    options,
    opts,
  );
  return { files, verified, rendered: toRender.length, planned: objects };
}
