/**
 * Drops the keys whose value is `undefined`. Data types such as `Exchange` or `UpstreamFailure`
 * mean "absent" by a missing key (`exactOptionalPropertyTypes`), so a builder that has a maybe-value
 * in hand passes it through here instead of spreading `...(x === undefined ? {} : { x })`.
 */
export type DefinedFields<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

export function definedFields<const T extends object>(fields: T): DefinedFields<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as DefinedFields<T>;
}
