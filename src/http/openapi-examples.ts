// An example value for a JSON schema, for the operations whose answer or body has none written by
// hand: the schema's own `examples` where it (or a part of it) has them, else a value of the right
// shape built from its types, formats, constants and required properties. redocly checks every
// example against its schema (no-invalid-media-type-examples), so a wrong one fails the lint.
type Schema = Record<string, any>;

const FORMATS: Record<string, string> = {
  'date-time': '2026-11-20T07:15:00.000Z',
  date: '2026-11-20',
  uuid: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61',
  uri: 'https://example.com/hooks/health',
};

const MAX_DEPTH = 8;

/** `name`: the property the value is for, which a string example repeats (`"name": "name"`). */
export function exampleOf(schema: Schema | undefined, depth = 0, name = 'text'): unknown {
  if (!schema || depth > MAX_DEPTH) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return structuredClone(schema.examples[0]);
  if ('example' in schema) return structuredClone(schema.example);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants: Schema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (variants) {
    // the first variant that is not null: the interesting shape
    const chosen = variants.find((variant) => variant.type !== 'null') ?? variants[0];
    return exampleOf(chosen, depth + 1, name);
  }
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((part: Schema) => exampleOf(part, depth + 1)));
  const type = Array.isArray(schema.type) ? (schema.type.find((t: string) => t !== 'null') ?? schema.type[0]) : schema.type;
  switch (type) {
    case 'string':
      if (schema.format && FORMATS[schema.format]) return FORMATS[schema.format];
      if (schema.pattern === '^[0-9a-f]{64}$' || schema.minLength === 64) return 'a'.repeat(Math.max(schema.minLength ?? 0, 64));
      return name.padEnd(schema.minLength ?? 0, '-').slice(0, schema.maxLength ?? name.length + (schema.minLength ?? 0));
    case 'integer':
    case 'number':
      return schema.minimum ?? schema.exclusiveMinimum ?? 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return (schema.minItems ?? 1) === 0 && !schema.items ? [] : [exampleOf(schema.items, depth + 1, name)];
    case 'object':
    default: {
      if (!schema.properties) return {};
      const required = new Set<string>(schema.required ?? Object.keys(schema.properties));
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties as Record<string, Schema>)) {
        if (required.has(key)) out[key] = exampleOf(property, depth + 1, key);
      }
      return out;
    }
  }
}

/** Whether a media type already shows an example (its own, or its schema's). */
export function hasExample(media: Schema): boolean {
  return media.example !== undefined || media.examples !== undefined || Array.isArray(media.schema?.examples);
}
