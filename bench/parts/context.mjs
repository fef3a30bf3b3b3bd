// @ts-check
/**
 * What bench/run.mjs hands each part (bench/parts/*.mjs): the options, the generated
 * repository, and where to put figures (`results` for the JSON line, `row` for the table).
 */
import { median } from '../lib.mjs';
import { round } from '../lib.mjs';

/**
 * @typedef {object} Options
 * @property {number} templates size of the generated repository
 * @property {number} runs timed runs of each measure
 * @property {string} duration load duration as given (`5s`)
 * @property {number} seconds the same in seconds
 * @property {'h2load' | 'ghz'} tool load generator of the grpc part
 * @property {number} concurrency concurrent streams of the grpc part
 * @property {string} outBaseDir where synth writes
 * @property {(name: string, fallback?: string) => string | undefined} opt any other option of the command line
 */

/**
 * One line of the table.
 * @typedef {object} Row
 * @property {string} name
 * @property {number} median
 * @property {number} [min]
 * @property {number} [max]
 * @property {number} n
 * @property {number} [cpu]
 * @property {number} [floor]
 * @property {number} [ratio]
 * @property {number} [cpuRatio]
 * @property {string} [target] key of TARGETS (bench/parts/report.mjs) this row is judged against
 * @property {string} [note]
 */

/**
 * The generated repository (bench/generate.mjs) and the template the parts change.
 * @typedef {object} Repo
 * @property {string} dir
 * @property {string} head
 * @property {Array<{ name: string, namespace: string }>} templates
 * @property {number} selected templates carrying SELECT_LABEL
 * @property {{ name: string, namespace: string }} changed the template the incremental and reload steps change, and Get asks for
 * @property {string} changedFile its declaration file
 * @property {string} original that file's text as generated
 */

/**
 * @typedef {object} Context
 * @property {Options} opts
 * @property {string} work scratch folder of this run (in the bench cache)
 * @property {Repo | undefined} repo undefined when no chosen part needs it
 * @property {Record<string, any>} results the JSON line
 * @property {Row[]} rows the table
 * @property {(name: string, samples: number[], extra?: Partial<Row>) => void} row a table line from samples (median, min–max)
 * @property {(msg: string) => void} log progress on stderr
 */

/**
 * A benchmark family.
 * @typedef {object} Part
 * @property {string} name as given to --parts
 * @property {boolean} needsRepo whether it measures the generated repository
 * @property {(ctx: Context) => Promise<void>} run
 */

/** @param {string} msg */
export const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/**
 * Median of CPU samples, undefined when GNU time was missing for any.
 * @param {ReadonlyArray<number | undefined>} samples
 */
export function cpuMedian(samples) {
  return samples.every((x) => typeof x === 'number') ? round(median(/** @type {number[]} */ (samples))) : undefined;
}

/** @param {Context['repo']} repo */
export function requireRepo(repo) {
  if (!repo) throw new Error('this part needs the generated repository');
  return repo;
}
