/**
 * The shared counter two threads take chunks of one job from (plan's
 * parallel check, synth's parallel render): a SharedArrayBuffer holding one
 * Int32, the next chunk to take, so a thread that starts late or runs on a
 * busy core just takes fewer.
 */
export function newChunkCounter(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/** The next chunk's index; every thread gets each index at most once. */
export function nextChunk(counter: Int32Array): number {
  return Atomics.add(counter, 0, 1);
}
