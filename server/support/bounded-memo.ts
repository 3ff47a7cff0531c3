/**
 * A function remembered per argument, for conversions asked again and again with few distinct
 * arguments (the dates of a roster, a batched insert's row counts). At most `kept` answers are kept;
 * past that they are forgotten all at once, so an unusual input cannot grow it without bound.
 * An answer may be undefined (remembered too).
 */
export function boundedMemo<K, V>(compute: (key: K) => V, kept: number): (key: K) => V {
  const memo = new Map<K, V>()
  return (key) => {
    let value = memo.get(key)
    if (value === undefined && !memo.has(key)) {
      value = compute(key)
      if (memo.size >= kept) memo.clear()
      memo.set(key, value)
    }
    return value as V
  }
}
