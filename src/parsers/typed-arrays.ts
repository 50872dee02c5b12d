/** Growable typed columns: the one way parsers enlarge a typed array. Pure. */

/** A copy of `a` with room for `size` elements (`size` ≥ `a.length`). */
export function grownTo<T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
