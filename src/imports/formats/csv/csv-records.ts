// An incremental RFC 4180 tokenizer: text in pieces of any size → records (arrays of fields),
// each with the physical line it starts on. Quoted fields may hold commas, "" (a quote) and line
// breaks; CRLF, LF and a lone CR end a record; a CR at the end of one piece and the LF at the
// start of the next are one break. A record that breaks the grammar (text after a closing quote)
// is still delimited, and comes out with its problem instead of its fields, so the records after
// it go on. A record longer than MAX_RECORD_CHARS is not held: it comes out as a problem too.

export type CsvRecord =
  | { line: number; fields: string[] }
  | { line: number; problem: string };

export const MAX_RECORD_CHARS = 1 << 20;

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

export class CsvTokenizer {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** After a closing quote: only a comma or a line break may follow. */
  private afterQuote = false;
  private atFieldStart = true;
  private problem: string | undefined;
  private recordChars = 0;
  private line = 1;
  private recordLine = 1;
  private pendingCr = false;
  private sawAnything = false;

  /** Tokenizes the next piece; returns the records it completes. */
  push(piece: string, out: CsvRecord[]): void {
    const length = piece.length;
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (length > 0 && piece.charCodeAt(0) === LF) i = 1;
    }
    while (i < length) {
      if (this.inQuotes) {
        const quote = piece.indexOf('"', i);
        const end = quote === -1 ? length : quote;
        this.append(piece, i, end);
        this.countLines(piece, i, end);
        if (quote === -1) return;
        if (quote + 1 >= length) {
          // A quote at the end of the piece: a closing quote or the first of "" — decide on the next piece.
          this.inQuotes = false;
          this.afterQuote = true;
          return;
        }
        if (piece.charCodeAt(quote + 1) === QUOTE) {
          this.append('"', 0, 1);
          i = quote + 2;
        } else {
          this.inQuotes = false;
          this.afterQuote = true;
          i = quote + 1;
        }
        continue;
      }
      const c = piece.charCodeAt(i);
      if (c === COMMA) {
        this.endField();
        i += 1;
      } else if (c === CR || c === LF) {
        this.endRecord(out);
        this.line += 1;
        if (c === CR) {
          if (i + 1 >= length) this.pendingCr = true;
          else if (piece.charCodeAt(i + 1) === LF) i += 1;
        }
        i += 1;
      } else if (c === QUOTE) {
        if (this.afterQuote) {
          // "" split across pieces: the quote that ended the last piece was an escaped quote.
          this.append('"', 0, 1);
          this.afterQuote = false;
          this.inQuotes = true;
        } else if (this.atFieldStart) {
          this.inQuotes = true;
        } else {
          this.problem ??= `a quote inside an unquoted field (column ${this.fields.length + 1})`;
        }
        this.atFieldStart = false;
        this.sawAnything = true;
        i += 1;
      } else {
        if (this.afterQuote) {
          this.problem ??= `text after the closing quote of column ${this.fields.length + 1}`;
          this.afterQuote = false;
        }
        let end = i + 1;
        while (end < length) {
          const d = piece.charCodeAt(end);
          if (d === COMMA || d === CR || d === LF || d === QUOTE) break;
          end += 1;
        }
        this.append(piece, i, end);
        this.atFieldStart = false;
        this.sawAnything = true;
        i = end;
      }
    }
  }

  /** Ends the text: the last record (if any) comes out, or a problem when a quote is still open. */
  end(out: CsvRecord[]): void {
    if (this.inQuotes) {
      this.problem ??= 'a quoted field that never ends';
      this.inQuotes = false;
    }
    if (this.sawAnything || this.fields.length > 0) this.endRecord(out);
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.sawAnything = true;
    this.atFieldStart = false;
    this.recordChars += to - from;
    if (this.recordChars > MAX_RECORD_CHARS) {
      this.problem ??= `a line longer than ${MAX_RECORD_CHARS} characters`;
      return;
    }
    if (this.problem === undefined) this.field += from === 0 && to === text.length ? text : text.slice(from, to);
  }

  private countLines(text: string, from: number, to: number): void {
    for (let k = text.indexOf('\n', from); k !== -1 && k < to; k = text.indexOf('\n', k + 1)) this.line += 1;
    // A lone CR inside quotes is kept as text; only LF (alone or in CRLF) counts as a new line.
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.afterQuote = false;
    this.atFieldStart = true;
    this.sawAnything = true;
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.sawAnything || this.fields.length > 0) {
      this.fields.push(this.field);
      out.push(this.problem === undefined ? { line: this.recordLine, fields: this.fields } : { line: this.recordLine, problem: this.problem });
    }
    this.fields = [];
    this.field = '';
    this.problem = undefined;
    this.afterQuote = false;
    this.atFieldStart = true;
    this.recordChars = 0;
    this.sawAnything = false;
    this.recordLine = this.line + 1;
  }
}
