// What the scanner hands a handler per start tag, and the table of names it recognizes in place.

/** The attributes of one start tag, in document order (values decoded). */
export class AttributeList {
  count = 0;
  readonly ids: number[] = [];
  readonly names: string[] = [];
  readonly values: string[] = [];
}

/**
 * The element and attribute names a dialect uses, recognized in place (no substring, no hash):
 * by length, first character and a compare. Attribute names repeat millions of times in an
 * export; making a fresh string of each and using it as an object key cost more than the scan.
 */
export class NameTable {
  private readonly byLength: { name: string; first: number; id: number }[][] = [];
  private readonly encodedIds: boolean[] = [];

  /**
   * `keepEncoded`: attributes whose values are handed over still XML-encoded, for a consumer
   * that decodes them itself (decodeXmlEntities) only when it needs to: the Health app's device
   * descriptions repeat but for an address, and decoding each one cost a tenth of the parse.
   */
  constructor(
    readonly names: readonly string[],
    keepEncoded: readonly string[] = [],
  ) {
    names.forEach((name, id) => {
      (this.byLength[name.length] ??= []).push({ name, first: name.charCodeAt(0), id });
      this.encodedIds[id] = keepEncoded.includes(name);
    });
  }

  keepsEncoded(id: number): boolean {
    return id >= 0 && this.encodedIds[id] === true;
  }

  /** The id of text[start, end) in the table, or -1. */
  idOf(text: string, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    const first = text.charCodeAt(start);
    for (let k = 0; k < candidates.length; k += 1) {
      const candidate = candidates[k]!;
      if (candidate.first === first && text.startsWith(candidate.name, start)) return candidate.id;
    }
    return -1;
  }
}
