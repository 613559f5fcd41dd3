/**
 * `value[key]` when `value` is an object that has that key, else undefined: reads a field of outside data
 * (a thrown error, a parsed document) without a cast. The caller still checks the field's type.
 */
export function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const read: unknown = Reflect.get(value, key);
  return read;
}
