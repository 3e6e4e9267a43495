// RFC 8785 JSON Canonicalization Scheme (JCS) for values produced by JSON.parse.
//
// Why native JSON.stringify does most of the work: for JSON data, JCS and JSON.stringify agree
// on everything but member order. Numbers are ECMAScript Number-to-String in both (-0 → "0"),
// strings use the same escapes (well-formed JSON.stringify also escapes lone surrogates, which
// JCS leaves undefined), and JSON.stringify emits members in Object.keys order. So a value
// whose objects already list their keys in UTF-16 code-unit order stringifies to its JCS text
// as it is; objects out of order are first copied with their keys sorted.
//
// Batches repeat a handful of object shapes (one per metric kind, one per metadata variant), so
// the sorted order of each distinct key sequence is computed once per batch (KeyOrders) rather
// than once per object.

/** The sorted form of one key sequence, as enumerated by Object.keys. */
interface KeyOrder {
  readonly keys: readonly string[];
  readonly sortedKeys: readonly string[];
  /** Keys already enumerate in code-unit order: the object needs no copy. */
  readonly inOrder: boolean;
  /**
   * A plain object built with sortedKeys enumerates them in that order. False when a key is an
   * array index ("10" before "9", or "!" before "1": objects enumerate indices first, in
   * numeric order) or is "__proto__" (assignment would set the prototype).
   */
  readonly copyHoldsOrder: boolean;
}

const MAX_REMEMBERED_KEY_ORDERS = 32;

/** Sorted key orders remembered across the objects of one batch. */
export class KeyOrders {
  private readonly orders: KeyOrder[] = [];

  orderOf(keys: readonly string[]): KeyOrder {
    search: for (const order of this.orders) {
      if (order.keys.length !== keys.length) continue;
      for (let i = 0; i < keys.length; i += 1) if (order.keys[i] !== keys[i]) continue search;
      return order;
    }
    const order = describeKeyOrder(keys);
    if (this.orders.length < MAX_REMEMBERED_KEY_ORDERS) this.orders.push(order);
    return order;
  }
}

/**
 * The RFC 8785 canonical JSON text of a JSON value (as produced by JSON.parse). Throws a
 * TypeError on anything JSON cannot hold (undefined, functions, NaN, Infinity, bigint).
 * Pass one KeyOrders to many calls over similar values to share the key-order work.
 */
export function canonicalJson(value: unknown, keyOrders: KeyOrders = new KeyOrders()): string {
  try {
    return JSON.stringify(withSortedKeys(value, keyOrders));
  } catch (error) {
    if (error !== COPY_CANNOT_HOLD_ORDER) throw error;
    return serializeWithSortedKeys(value);
  }
}

/** Signals the rare objects a sorted copy cannot represent (see KeyOrder.copyHoldsOrder). */
const COPY_CANNOT_HOLD_ORDER = new Error('object keys cannot be held in code-unit order');

/** The value itself when all its objects are in key order, otherwise a copy whose objects are. */
function withSortedKeys(value: unknown, keyOrders: KeyOrders): unknown {
  if (typeof value !== 'object' || value === null) return checkedScalar(value);
  return Array.isArray(value)
    ? arrayWithSortedKeys(value, keyOrders)
    : objectWithSortedKeys(value as Record<string, unknown>, keyOrders);
}

function arrayWithSortedKeys(items: readonly unknown[], keyOrders: KeyOrders): unknown {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    const ordered = withSortedKeys(item, keyOrders);
    if (ordered !== item) {
      copy ??= items.slice();
      copy[i] = ordered;
    }
  }
  return copy ?? items;
}

function objectWithSortedKeys(object: Record<string, unknown>, keyOrders: KeyOrders): unknown {
  const keyOrder = keyOrders.orderOf(Object.keys(object));
  let orderedChildren: Map<string, unknown> | undefined;
  for (const key of keyOrder.keys) {
    const child = object[key];
    const ordered = withSortedKeys(child, keyOrders);
    if (ordered !== child) (orderedChildren ??= new Map()).set(key, ordered);
  }
  if (keyOrder.inOrder && orderedChildren === undefined) return object;
  if (!keyOrder.copyHoldsOrder) throw COPY_CANNOT_HOLD_ORDER;

  const copy: Record<string, unknown> = {};
  for (const key of keyOrder.sortedKeys) {
    copy[key] = orderedChildren?.has(key) ? orderedChildren.get(key) : object[key];
  }
  return copy;
}

function describeKeyOrder(keys: readonly string[]): KeyOrder {
  // Array.prototype.sort without a comparator orders strings by UTF-16 code units, as JCS wants.
  const sortedKeys = [...keys].sort();
  let inOrder = true;
  for (let i = 1; i < keys.length; i += 1) {
    if ((keys[i - 1] as string) >= (keys[i] as string)) inOrder = false;
  }
  const probe = Object.fromEntries(sortedKeys.map((key) => [key, true]));
  const copyHoldsOrder =
    !sortedKeys.includes('__proto__') && sameKeys(Object.keys(probe), sortedKeys);
  return { keys, sortedKeys, inOrder, copyHoldsOrder };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** JCS text built by hand, for values whose objects a sorted copy cannot represent. */
function serializeWithSortedKeys(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(checkedScalar(value));
  if (Array.isArray(value)) return `[${value.map(serializeWithSortedKeys).join(',')}]`;
  const object = value as Record<string, unknown>;
  const members = Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${serializeWithSortedKeys(object[key])}`);
  return `{${members.join(',')}}`;
}

function checkedScalar(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw new TypeError(`JCS cannot represent the number ${value}`);
    default:
      if (value === null) return value;
      throw new TypeError(`JCS cannot represent a value of type ${typeof value}`);
  }
}
