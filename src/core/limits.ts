/**
 * How large an input may be, stated once. Every reader checks its input
 * against these before it does any work on it.
 */

/** A declaration file (read from a working tree, a commit, `create -f` or stdin). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** mcpo.yaml, the repository's settings file, holds a few settings. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/** Nodes one YAML document may expand to once aliases are followed (alias bombs), and nodes the shape walk visits. */
export const MAX_EXPANDED_NODES = 100_000;

/** How deep messages may nest inside a declaration. */
export const MAX_NESTING_DEPTH = 32;

/**
 * Characters of a Kubernetes quantity. apimachinery's own parser gives up
 * far below this; the cap keeps parsing (and BigInt work) linear and small.
 */
export const MAX_QUANTITY_CHARS = 64;

/**
 * The values of one secret together, before sealing. Kubernetes caps a Secret
 * at 1 MiB; sealed values grow by about a third, and the sealed file must fit
 * MAX_FILE_BYTES.
 */
export const MAX_SECRET_DATA_BYTES = 512 * 1024;

/** Why MAX_SECRET_DATA_BYTES, for the hint of every refusal of that limit. */
export const SECRET_LIMIT_REASON =
  'Kubernetes caps a Secret at 1 MiB, and sealed values grow by a third in a declaration file limited to 1 MiB; split the data into several secrets';
