/**
 * What incremental synth reads of the output folder: the compiled reader on
 * its worker thread (what `mcpo synth` runs) gives exactly the records the
 * same code gives on this thread, and neither follows a symlink, waits on a
 * FIFO, reads a folder named like a file, or keeps a file whose input line is
 * missing or does not match the rest of the file.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRecordOf } from '../../src/render/input-line.js';
import { planObjects } from '../../src/render/inputs.js';
import { readOutputRecords } from '../../src/render/output-records.js';
import { readRepoConfig, renderOptions } from '../../src/declarations/repo-config.js';
import { buildModel } from '../../src/model/build.js';
import { readWorkingTreeFiles } from '../../src/source/working-tree.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the output records', () => {
  it('are the same on the worker thread as on this one, and only for regular object files that synth wrote', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mcpo-records-'));
    cleanup.push(out);
    cpSync(join(REPO_ROOT, 'dist'), out, { recursive: true });
    const { model } = buildModel(await readWorkingTreeFiles(REPO_ROOT));
    const objects = planObjects(model!, renderOptions(readRepoConfig(REPO_ROOT)));
    const deployment = objects.find((o) => o.path.includes('deployment'))!;
    const elsewhere = join(out, '..', `${out.split('/').at(-1)}-target.yaml`);
    cleanup.push(elsewhere);
    writeFileSync(elsewhere, readFileSync(join(out, deployment.path)));
    // A symlink to a copy of a current file, a FIFO, a folder named like a file, a file without the line, an edited one.
    const linked = 'namespaces/linked.yaml';
    symlinkSync(elsewhere, join(out, linked));
    execFileSync('mkfifo', [join(out, 'namespaces/fifo.yaml')]);
    mkdirSync(join(out, 'namespaces/folder.yaml'));
    writeFileSync(join(out, 'namespaces/plain.yaml'), 'kind: ConfigMap\n');
    const edited = 'namespaces/edited.yaml';
    writeFileSync(join(out, edited), readFileSync(join(out, deployment.path), 'utf8').replace('replicas: 1', 'replicas: 3'));

    const here = readOutputRecords(out);
    const compiled = (await import(join(REPO_ROOT, 'build/render/read-ahead.js'))) as typeof import('../../src/render/read-ahead.js');
    const reading = compiled.startReadAhead(out);
    expect(await reading.records).toEqual(here);

    for (const skipped of [linked, 'namespaces/fifo.yaml', 'namespaces/folder.yaml', 'namespaces/plain.yaml']) expect(here.has(skipped), skipped).toBe(false);
    expect(isRecordOf(here.get(deployment.path)!, deployment.hash)).toBe(true);
    expect(isRecordOf(here.get(edited)!, deployment.hash)).toBe(false);
    // Every object file of the committed dist/ is current for the model it was rendered from.
    expect(objects.filter((o) => here.has(o.path) && isRecordOf(here.get(o.path)!, o.hash))).toHaveLength(objects.length);

    // Run with flags a worker refuses (a V8 flag, and --input-type for a script): read here, the same records.
    const script = `const m = await import(${JSON.stringify(join(REPO_ROOT, 'build/render/read-ahead.js'))});
      const r = await m.startReadAhead(${JSON.stringify(out)}).records;
      console.log(JSON.stringify([...r].sort()));`;
    for (const flags of [['--trace-gc'], ['--max-old-space-size=512'], []]) {
      const printed = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1)!;
      expect(new Map(JSON.parse(printed) as [string, unknown][]), flags.join(' ')).toEqual(here);
    }
  });
});
