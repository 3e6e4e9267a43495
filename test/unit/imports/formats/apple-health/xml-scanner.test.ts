import { describe, expect, test } from 'bun:test';
import { XmlScanner, XmlSyntaxError, type AttributeList } from '../../../../../src/imports/formats/apple-health/xml-scanner.ts';

type Event = [string, ...string[]];

/** Scans `text` in pieces of `size`; returns the tags as events, or the error that stopped it. */
function scan(text: string, size = text.length || 1): { events: Event[]; error?: XmlSyntaxError } {
  const events: Event[] = [];
  const scanner = new XmlScanner({
    open(name: string, attributes: AttributeList, selfClosing: boolean, depth: number) {
      const pairs: string[] = [];
      for (let k = 0; k < attributes.count; k += 1) pairs.push(`${attributes.names[k]}=${attributes.values[k]}`);
      events.push([`${selfClosing ? 'empty' : 'open'}@${depth}`, name, ...pairs]);
    },
    close(name: string, depth: number) {
      events.push([`close@${depth}`, name]);
    },
  });
  try {
    for (let at = 0; at < text.length; at += size) scanner.push(text.slice(at, at + size));
    scanner.end();
    return { events };
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { events, error };
    throw error;
  }
}

const DOCTYPE = `<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 8 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation)*)>
<!ATTLIST Record
  type CDATA #REQUIRED
  note CDATA "a > b ] c"
>
]>`;

describe('the export XML scanner', () => {
  test('tags, attributes with either quote, nesting depth and self-closing tags', () => {
    expect(scan(`<?xml version="1.0"?>\n<A x="1" y = 'two'>\n <B/>\n <C z="3"></C>\n</A>\n`).events).toEqual([
      ['open@0', 'A', 'x=1', 'y=two'],
      ['empty@1', 'B'],
      ['open@1', 'C', 'z=3'],
      ['close@1', 'C'],
      ['close@0', 'A'],
    ]);
  });

  test('the DOCTYPE with its internal subset, comments and CDATA are skipped', () => {
    const text = `<?xml version="1.0"?>\n${DOCTYPE}\n<!-- <fake/> -->\n<A><![CDATA[<fake/> ]] >]]><B/></A>`;
    expect(scan(text).events).toEqual([['open@0', 'A'], ['empty@1', 'B'], ['close@0', 'A']]);
  });

  test.each([
    ['&lt;&lt;HKDevice&gt;&gt;', '<<HKDevice>>'],
    ['Tom &amp; Jerry', 'Tom & Jerry'],
    ['&amp;lt;', '&lt;'],
    ['&quot;&apos;', `"'`],
    ['&#65;&#x42;&#x1F4F1;', 'AB📱'],
  ])('the entity text %s reads as %s', (raw, decoded) => {
    expect(scan(`<A v="${raw}"/>`).events).toEqual([['empty@0', 'A', `v=${decoded}`]]);
  });

  test('any split of the text into pieces gives the same events', () => {
    const text = `<?xml version="1.0"?>\n${DOCTYPE}\n<A k="&lt;x&gt;">\n <B v='1'/><!-- c --><C><![CDATA[ d ]]></C>\n</A>\n`;
    const whole = scan(text).events;
    for (const size of [1, 2, 3, 5, 7, 11]) expect(scan(text, size).events).toEqual(whole);
  });

  test.each([
    ['<A><B></A>', 'malformed'],
    ['<A></B>', 'malformed'],
    ['<A x=1/>', 'malformed'],
    ['<A x="1"y="2"/>', 'malformed'],
    ['<A x="a<b"/>', 'malformed'],
    ['<A x="&bogus;"/>', 'malformed'],
    ['<A x="&amp"/>', 'malformed'],
    ['<A/><B/>', 'malformed'],
    ['hello <A/>', 'malformed'],
    ['<A><B/>', 'truncated'],
    ['<A x="1', 'truncated'],
    ['', 'truncated'],
  ])('%s is refused (%s)', (text, reason) => {
    expect(scan(text).error?.reason).toBe(reason as XmlSyntaxError['reason']);
  });

  test('an error carries the offset where it starts', () => {
    expect(scan('<A>\n<B>\n</C></A>').error?.at).toBe(8);
  });

  test('the line of any offset is counted across pieces', () => {
    const lines: number[] = [];
    const scanner: XmlScanner = new XmlScanner({
      open(_name: string, _attributes: AttributeList, _selfClosing: boolean, _depth: number, at: number) {
        lines.push(scanner.lineAt(at));
      },
      close() {},
    });
    const text = '<A>\n <B/>\n\n <C/>\r\n <D/></A>';
    for (let at = 0; at < text.length; at += 3) scanner.push(text.slice(at, at + 3));
    expect(lines).toEqual([1, 2, 4, 5]);
  });
});
