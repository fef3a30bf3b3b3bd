// @ts-check
/**
 * V8's `--trace-gc` lines of a child process, summarised: how long its scavenges paused it and how
 * much each one promoted to the old generation. A server whose scavenges promote every call's objects
 * (what node:http2's churned stream Map did, src/serve/stream-table.ts) shows it here first.
 */

// Node 20: `[pid:0x…]   1234 ms: Scavenge 45.2 (60.1) -> 40.1 (61.1) MB, 1.23 / 0.00 ms  (average mu = …`
const LINE =
  /^\[(\d+:0x[0-9a-f]+)\]\s+[\d.]+ ms: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact)\S*(?: \([^)]*\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms/;

/**
 * @typedef {{ scavenges: number, scavengeMs: number, promotedMbPerScavenge: number, fullGcs: number }} GcSummary
 */

/**
 * Collects the trace lines a child writes from now until stop().
 * @param {import('node:child_process').ChildProcess} child started with --trace-gc
 * @returns {{ stop(): GcSummary }}
 */
export function recordGc(child) {
  /** @type {string[]} */
  const lines = [];
  let partial = '';
  /** @param {Buffer | string} chunk */
  const onData = (chunk) => {
    const text = partial + chunk;
    const cut = text.lastIndexOf('\n');
    partial = text.slice(cut + 1);
    if (cut >= 0) lines.push(...text.slice(0, cut).split('\n'));
  };
  child.stdout?.on('data', onData);
  return {
    stop() {
      child.stdout?.off('data', onData);
      return summariseGc(lines);
    },
  };
}

/**
 * Scavenge count and pause, and the old generation's growth from one scavenge to the next
 * (heap used after each, where no full GC came between) as the MB each promoted. Only the
 * isolate that scavenged most is counted: under load, the main thread, not a worker's.
 * @param {string[]} lines
 * @returns {GcSummary}
 */
export function summariseGc(lines) {
  /** @type {Map<string, RegExpExecArray[]>} */
  const byIsolate = new Map();
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) continue;
    const isolate = byIsolate.get(m[1] ?? '');
    if (isolate) isolate.push(m);
    else byIsolate.set(m[1] ?? '', [m]);
  }
  const busiest = [...byIsolate.values()].sort((a, b) => scavengesIn(b) - scavengesIn(a))[0] ?? [];
  let scavenges = 0;
  let scavengeMs = 0;
  let fullGcs = 0;
  /** @type {number[]} */
  const promoted = [];
  /** @type {number | undefined} */
  let lastAfter;
  for (const m of busiest) {
    const [, , kind, , after, pause] = m;
    if (kind === 'Scavenge') {
      scavenges++;
      scavengeMs += Number(pause);
      if (lastAfter !== undefined) promoted.push(Math.max(0, Number(after) - lastAfter));
      lastAfter = Number(after);
    } else {
      fullGcs++;
      lastAfter = undefined;
    }
  }
  const promotedMbPerScavenge = promoted.length ? promoted.reduce((a, b) => a + b, 0) / promoted.length : 0;
  return { scavenges, scavengeMs, promotedMbPerScavenge, fullGcs };
}

/** @param {RegExpExecArray[]} matches */
const scavengesIn = (matches) => matches.filter((m) => m[2] === 'Scavenge').length;
