/**
 * How much plaintext one secret may hold. Kubernetes caps a Secret at 1 MiB
 * of data; sealed, every value grows by a third (base64) plus its RSA part,
 * and the sealed declaration must fit the 1 MiB limit of a declaration file.
 * Half a MiB of values leaves room for that growth and many keys; the sealed
 * file is checked against the file limit as well.
 */
export const MAX_SECRET_DATA_BYTES = 512 * 1024;

/** The reason, for the hint of every refusal of this limit. */
export const SECRET_LIMIT_REASON = `Kubernetes caps a Secret at 1 MiB, and sealed values grow by a third in a declaration file limited to 1 MiB; split the data into several secrets`;
