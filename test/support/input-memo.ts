/** An input-hash memo for tests, counting the hashes it gives back (so that a test can show it was used). */
import type { BuildCache } from '../../src/model/build.js';
import { InputMemo } from '../../src/render/input-memo.js';

export function countingMemo(path: string, cache: BuildCache): { memo: InputMemo; hits: () => number } {
  const memo = new InputMemo(path, (file) => cache.digestOf(file));
  let hits = 0;
  const recall = memo.recall.bind(memo);
  memo.recall = (object, deps) => {
    const hash = recall(object, deps);
    if (hash !== undefined) hits++;
    return hash;
  };
  return { memo, hits: () => hits };
}
