// Field readers of the catalog parser: each returns the typed value or throws an error naming the
// path of the offending entry ("metric catalog: metrics[3] (heart_rate).bounds.min must be …").

export function fail(path: string, problem: string): never {
  throw new Error(`metric catalog: ${path} ${problem}`);
}

export function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a mapping');
  return value as Record<string, unknown>;
}

/** A mapping whose keys are all among `allowed` (a misspelt key is refused, not ignored). */
export function objectWithKeys(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  const entry = objectAt(value, path);
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `is not a known field (known: ${allowed.join(', ')})`);
  }
  return entry;
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be a list');
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  return value;
}

export function optionalStringArray(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = arrayAt(value, path).map((item, i) => stringAt(item, `${path}[${i}]`));
  if (new Set(items).size !== items.length) fail(path, 'must not repeat an entry');
  return items;
}

export function optionalBoolean(value: unknown, path: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** A canonical code: snake_case, starting with a letter (so it never reads as a raw value). */
export function codeAt(value: unknown, path: string): string {
  const code = stringAt(value, path);
  if (!SNAKE_CASE.test(code)) fail(path, `"${code}" must be snake_case (a-z, 0-9, _), starting with a letter`);
  return code;
}

const FRACTION = /^\s*(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/;

/** A finite number, or a "p/q" fraction string (exact factors such as 5/9 stay readable). */
export function numberAt(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const fraction = typeof value === 'string' ? FRACTION.exec(value) : null;
  if (fraction !== null) {
    const result = Number(fraction[1]) / Number(fraction[2]);
    if (Number.isFinite(result)) return result;
  }
  return fail(path, 'must be a finite number or a "p/q" fraction');
}
