/**
 * Deep immutability for values shared between calls (a commit's model, a
 * served snapshot). Object.freeze alone leaves a Map writable, so a frozen
 * Map also has its mutators replaced by ones that throw.
 */
function refuse(): never {
  throw new TypeError('this value is immutable');
}

export function deepFreeze<T>(value: T): T {
  if (value instanceof Map) {
    for (const [key, item] of value) {
      deepFreeze(key);
      deepFreeze(item);
    }
    if (!Object.isFrozen(value)) Object.defineProperties(value, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (value instanceof Set) {
    for (const item of value) deepFreeze(item);
    if (!Object.isFrozen(value)) Object.defineProperties(value, { add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (value && typeof value === 'object') {
    if (Object.isFrozen(value)) return value;
    for (const item of Object.values(value)) deepFreeze(item);
  } else {
    return value;
  }
  return Object.freeze(value);
}
