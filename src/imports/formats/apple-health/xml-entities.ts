// XML's predefined entities (&lt; &gt; &amp; &quot; &apos;) and character references (&#65;
// &#x41;) in attribute values. The export declares no entities of its own in its DTD, so
// anything else is an error.

/** `raw` with its entities decoded; undefined when one is unknown or unterminated. */
export function decodeXmlEntities(raw: string): string | undefined {
  // Device descriptions carry four &lt;/&gt; each: replace those natively, then decode the rest.
  // (No replacement can form another entity: "&amp;lt;" has no "&lt;" in it.)
  let text = raw.indexOf('&lt;') === -1 ? raw : raw.replaceAll('&lt;', '<');
  if (text.indexOf('&gt;') !== -1) text = text.replaceAll('&gt;', '>');
  if (text.indexOf('&') === -1) return text;
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp !== -1; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp + 1);
    if (semi === -1) return undefined;
    const decoded = entity(text.slice(amp + 1, semi));
    if (decoded === undefined) return undefined;
    out += text.slice(from, amp) + decoded;
    from = semi + 1;
  }
  return out + text.slice(from);
}

function entity(name: string): string | undefined {
  switch (name) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  if (name.charCodeAt(0) !== 35 /* # */) return undefined;
  const hex = name.charCodeAt(1) === 120 /* x */;
  const digits = name.slice(hex ? 2 : 1);
  const valid = hex ? /^[0-9A-Fa-f]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
  const code = valid ? Number.parseInt(digits, hex ? 16 : 10) : -1;
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : undefined;
}
