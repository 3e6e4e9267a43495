// An incremental scanner for the XML that the Health app writes: elements with attributes, the
// XML declaration, a DOCTYPE with its internal DTD subset (which it skips: the export's DTD
// declares no entities), comments, processing instructions and CDATA (skipped: the export keeps
// everything in attributes). It reports start and end tags with decoded attribute values
// (&lt; &gt; &amp; &quot; &apos; and numeric references), checks that tags nest, and fails on
// anything else. Text between elements is ignored.
//
// Why not a general SAX library: measured on a generated 1M-record export, this scanner reads
// the Health app's dialect several times faster than saxes, sax or htmlparser2 (see
// bench/import-parse.ts and the commit that chose it), and the export needs nothing they add.
//
// Input arrives as decoded text in pieces of any size; a tag cut by a piece boundary is kept
// and completed by the next piece. Memory: one piece plus at most MAX_PENDING_CHARS.

import { decodeXmlEntities } from './xml-entities.ts';
import { AttributeList, NameTable } from './xml-names.ts';

export { AttributeList, NameTable };

export interface XmlHandler {
  /**
   * A start tag. `attributes` is reused for the next tag: copy what you keep. Names listed in
   * the scanner's NameTable arrive as that table's strings and ids, others as fresh strings
   * with id -1. `at` is the tag's offset in the whole text.
   */
  open(name: string, attributes: AttributeList, selfClosing: boolean, depth: number, at: number): void;
  /** An end tag; a self-closing tag gets no close call (open's `selfClosing` says so). */
  close(name: string, depth: number): void;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the whole text (characters) where the problem starts. */
    readonly at: number,
    readonly reason: 'malformed' | 'truncated' | 'too-large',
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/** The longest single construct (a tag, a comment, the DOCTYPE) held while waiting for its end. */
export const MAX_PENDING_CHARS = 1 << 20;

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;
const DQUOTE = 34;
const SQUOTE = 39;
const AMP = 38;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const HYPHEN = 45;

export class XmlScanner {
  private pending = '';
  /** Offset in the whole text of pending[0]. */
  private base = 0;
  private readonly stack: string[] = [];
  private rootSeen = false;
  private rootClosed = false;
  /** The text being scanned, and the line count up to lineCursor (an offset in the whole text). */
  private text = '';
  private line = 1;
  private lineCursor = 0;

  private readonly attributes = new AttributeList();
  /** Offset in `text` of the next "&" at or after the last value read (text.length when none). */
  private ampAt = -1;

  constructor(
    private readonly handler: XmlHandler,
    private readonly names: NameTable = new NameTable([]),
  ) {}

  /** The 1-based line of an offset in the text scanned by the current (or last) push, at or after the last one asked. */
  lineAt(at: number): number {
    if (at <= this.lineCursor) return this.line;
    const text = this.text;
    const stop = at - this.base;
    let newline = text.indexOf('\n', this.lineCursor - this.base);
    while (newline !== -1 && newline < stop) {
      this.line += 1;
      newline = text.indexOf('\n', newline + 1);
    }
    this.lineCursor = at;
    return this.line;
  }


  /** Scans the next piece of text; calls the handler for every tag completed by it. */
  push(piece: string): void {
    const text = this.pending.length === 0 ? piece : this.pending + piece;
    this.text = text;
    this.ampAt = -1;
    const consumed = this.scan(text);
    this.lineAt(this.base + consumed);
    this.pending = consumed === text.length ? '' : text.slice(consumed);
    this.text = this.pending;
    this.base += consumed;
    if (this.pending.length > MAX_PENDING_CHARS) {
      throw new XmlSyntaxError(`one XML construct is longer than ${MAX_PENDING_CHARS} characters`, this.base, 'too-large');
    }
  }

  /** Declares the end of the text: fails when an element or construct is left open. */
  end(): void {
    if (this.pending.trim().length > 0) {
      throw new XmlSyntaxError('the XML ends inside a tag', this.base, 'truncated');
    }
    if (this.stack.length > 0) {
      throw new XmlSyntaxError(`the XML ends inside <${this.stack[this.stack.length - 1]}>`, this.base, 'truncated');
    }
    if (!this.rootSeen) throw new XmlSyntaxError('the XML has no root element', this.base, 'truncated');
  }

  /** Scans complete constructs of `text`; returns how many characters were consumed. */
  private scan(text: string): number {
    const length = text.length;
    let i = 0;
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt === -1) {
        this.checkText(text, i, length);
        return length;
      }
      if (lt > i) this.checkText(text, i, lt);
      if (lt + 1 >= length) return lt;
      const next = text.charCodeAt(lt + 1);
      let after: number;
      if (next === SLASH) after = this.endTag(text, lt);
      else if (next === BANG) after = this.declaration(text, lt);
      else if (next === QUESTION) after = this.instruction(text, lt);
      else after = this.startTag(text, lt);
      if (after < 0) return lt;
      i = after;
    }
  }

  /** Outside the root only whitespace may stand between constructs. */
  private checkText(text: string, from: number, to: number): void {
    if (this.stack.length > 0) return;
    for (let k = from; k < to; k += 1) {
      const c = text.charCodeAt(k);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 0xfeff) {
        throw new XmlSyntaxError('text outside the root element: this is not XML', this.base + k, 'malformed');
      }
    }
  }

  private startTag(text: string, lt: number): number {
    const length = text.length;
    let i = lt + 1;
    while (i < length && isNameChar(text.charCodeAt(i))) i += 1;
    if (i >= length) return -1;
    if (i === lt + 1) throw new XmlSyntaxError('a "<" that starts no tag', this.base + lt, 'malformed');
    const nameId = this.names.idOf(text, lt + 1, i);
    const name = nameId === -1 ? text.slice(lt + 1, i) : this.names.names[nameId]!;
    // No "<" may appear before this tag ends, not even in a value: one search per tag, not per value.
    let nextLt = text.indexOf('<', i);
    if (nextLt === -1) nextLt = length;
    const attributes = this.attributes;
    attributes.count = 0;
    for (;;) {
      let c = text.charCodeAt(i);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = text.charCodeAt(++i);
      if (i >= length) return this.incomplete(lt, length);
      if (c === GT) {
        this.opened(name, false, lt);
        return i + 1;
      }
      if (c === SLASH) {
        if (i + 1 >= length) return -1;
        if (text.charCodeAt(i + 1) !== GT) throw this.malformed(`a "/" inside <${name}>`, i);
        this.opened(name, true, lt);
        return i + 2;
      }
      const nameStart = i;
      let nameEnd: number;
      let id: number;
      // The Health app writes name="value": a known name right before =" is recognized without
      // walking it (idOf only matches exact names, which hold no space, quote or "=").
      const equalsQuote = text.indexOf('="', i);
      id = equalsQuote !== -1 && equalsQuote < nextLt ? this.names.idOf(text, nameStart, equalsQuote) : -1;
      if (id !== -1) {
        nameEnd = equalsQuote;
        i = equalsQuote + 1;
        c = DQUOTE;
      } else {
        while (i < length && isNameChar(text.charCodeAt(i))) i += 1;
        if (i >= length) return this.incomplete(lt, length);
        if (i === nameStart) throw this.malformed(`an unexpected character inside <${name}>`, i);
        nameEnd = i;
        c = text.charCodeAt(i);
        while (c === 32 || c === 10 || c === 9 || c === 13) c = text.charCodeAt(++i);
        if (i >= length) return this.incomplete(lt, length);
        if (c !== EQUALS) throw this.malformed(`attribute ${text.slice(nameStart, nameEnd)} of <${name}> has no value`, i);
        c = text.charCodeAt(++i);
        while (c === 32 || c === 10 || c === 9 || c === 13) c = text.charCodeAt(++i);
        if (i >= length) return this.incomplete(lt, length);
        if (c !== DQUOTE && c !== SQUOTE) throw this.malformed(`an attribute of <${name}> is not quoted`, i);
        id = this.names.idOf(text, nameStart, nameEnd);
      }
      const close = text.indexOf(c === DQUOTE ? '"' : "'", i + 1);
      if (close === -1) return this.incomplete(lt, length);
      if (close > nextLt) throw this.malformed(`a "<" inside an attribute of <${name}>`, nextLt);
      const raw = text.slice(i + 1, close);
      const n = attributes.count;
      attributes.ids[n] = id;
      attributes.names[n] = id === -1 ? text.slice(nameStart, nameEnd) : this.names.names[id]!;
      // The next "&" in the text is remembered across values and tags, so a value without one costs no search.
      if (this.ampAt < i) {
        this.ampAt = text.indexOf('&', i);
        if (this.ampAt === -1) this.ampAt = length;
      }
      if (this.ampAt > close || this.names.keepsEncoded(id)) {
        attributes.values[n] = raw;
      } else {
        const decoded = decodeXmlEntities(raw);
        if (decoded === undefined) throw this.malformed(`an unknown or unterminated entity in an attribute of <${name}>`, i);
        attributes.values[n] = decoded;
      }
      attributes.count = n + 1;
      i = close + 1;
      const after = i < length ? text.charCodeAt(i) : -1;
      if (after !== -1 && after !== 32 && after !== 10 && after !== 9 && after !== 13 && after !== GT && after !== SLASH) {
        throw this.malformed(`attributes of <${name}> run together`, i);
      }
    }
  }

  /** A tag not complete in this text: wait for more, unless it is already too long to hold. */
  private incomplete(lt: number, length: number): number {
    return length - lt > MAX_PENDING_CHARS ? this.tooLong(lt) : -1;
  }

  private tooLong(lt: number): never {
    throw new XmlSyntaxError(`one XML construct is longer than ${MAX_PENDING_CHARS} characters`, this.base + lt, 'too-large');
  }

  private opened(name: string, selfClosing: boolean, lt: number): void {
    const depth = this.stack.length;
    if (depth === 0) {
      if (this.rootSeen || this.rootClosed) throw this.malformed('a second root element', lt);
      this.rootSeen = true;
    }
    this.handler.open(name, this.attributes, selfClosing, depth, this.base + lt);
    if (selfClosing) {
      if (depth === 0) this.rootClosed = true;
    } else {
      this.stack.push(name);
    }
  }

  private endTag(text: string, lt: number): number {
    const gt = text.indexOf('>', lt + 2);
    if (gt === -1) return -1;
    const name = text.slice(lt + 2, gt).trimEnd();
    const open = this.stack.pop();
    if (open !== name) {
      throw this.malformed(open === undefined ? `</${name}> closes nothing` : `</${name}> closes <${open}>`, lt);
    }
    this.handler.close(name, this.stack.length);
    if (this.stack.length === 0) this.rootClosed = true;
    return gt + 1;
  }

  private instruction(text: string, lt: number): number {
    const end = text.indexOf('?>', lt + 2);
    return end === -1 ? -1 : end + 2;
  }

  private declaration(text: string, lt: number): number {
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      return end === -1 ? -1 : end + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      if (this.stack.length === 0) throw this.malformed('CDATA outside the root element', lt);
      const end = text.indexOf(']]>', lt + 9);
      return end === -1 ? -1 : end + 3;
    }
    if (text.startsWith('<!DOCTYPE', lt)) {
      if (this.rootSeen) throw this.malformed('a DOCTYPE after the root element', lt);
      return doctypeEnd(text, lt + 9);
    }
    if (text.length - lt < 9) return -1;
    throw this.malformed('an unknown "<!" declaration', lt);
  }

  private malformed(what: string, at: number): XmlSyntaxError {
    return new XmlSyntaxError(`broken XML: ${what}`, this.base + at, 'malformed');
  }
}

/** The end of `<!DOCTYPE … [ internal subset ] >`, skipping quoted strings and comments; -1 if not in `text`. */
function doctypeEnd(text: string, from: number): number {
  const length = text.length;
  let inSubset = false;
  for (let i = from; i < length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) {
      const close = text.indexOf(c === DQUOTE ? '"' : "'", i + 1);
      if (close === -1) return -1;
      i = close;
    } else if (c === LT && text.charCodeAt(i + 1) === BANG && text.charCodeAt(i + 2) === HYPHEN) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1) return -1;
      i = close + 2;
    } else if (c === OPEN_BRACKET) {
      inSubset = true;
    } else if (c === CLOSE_BRACKET) {
      inSubset = false;
    } else if (c === GT && !inSubset) {
      return i + 1;
    }
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** XML name characters, loosely: anything but whitespace and the markup characters. */
function isNameChar(c: number): boolean {
  return (
    c > 32 && c !== LT && c !== GT && c !== SLASH && c !== EQUALS && c !== DQUOTE && c !== SQUOTE && c !== AMP && c !== BANG && c !== QUESTION
  );
}
