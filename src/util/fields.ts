/**
 * Reading outside data (a thrown error, a parsed document, a payload) without a cast: each helper checks what
 * it returns, so the caller gets `unknown` or a narrowed type, never an assumption.
 */

/** A non-null object that is not an array, its string keys readable as `unknown`. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array of outside data, its items `unknown` (`Array.isArray` alone narrows to `any[]`). */
export function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/**
 * `value[key]` when `value` is an object that has that key, else undefined: reads a field of outside data
 * (a thrown error, a parsed document) without a cast. The caller still checks the field's type.
 */
export function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const read: unknown = Reflect.get(value, key);
  return read;
}

/** `value[key]` only when it is the object's own key (never one inherited from `Object.prototype`). */
export function ownField(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
  const read: unknown = Reflect.get(value, key);
  return read;
}

/** The string `code` of a thrown value (`ENOENT`, `ECONNREFUSED`, `ERR_TLS_…`), else undefined. */
export function codeOf(error: unknown): string | undefined {
  const code = field(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** Whether `key` is an own key of `object`: narrows a string read from outside (a command verb) to its keys. */
export function isKeyOf<T extends object>(object: T, key: PropertyKey): key is keyof T {
  return Object.hasOwn(object, key);
}

/** The own string keys of an object literal, typed as its keys (`Object.keys` says only `string[]`). */
export function keysOf<T extends object>(object: T): Array<keyof T & string> {
  return Object.keys(object).filter((key): key is keyof T & string => Object.hasOwn(object, key));
}

/** Whether `value` is one of `values`: narrows a string from outside (an env variable, a command) to the union. */
export function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return values.some((v) => v === value);
}

/** The `keys` of `from` whose value is not undefined (an absent key stays absent, not `key: undefined`). */
export function definedFields<T extends object, K extends keyof T>(
  from: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
