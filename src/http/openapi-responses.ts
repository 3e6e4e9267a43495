// Success answers as the OpenAPI document declares them, for routes that answer from services or
// stored text (no Elysia `response` schema, which would validate and re-serialize every reply on
// the hot read paths). Problem answers are added per group by openapi-document.ts.
import type { TSchema } from '@sinclair/typebox';

export function jsonAnswer(description: string, schema: TSchema) {
  return { description, content: { 'application/json': { schema: schema as object } } };
}

export function textAnswer(description: string, mediaType: string) {
  return { description, content: { [mediaType]: { schema: { type: 'string' } as object } } };
}

/**
 * A query parameter as the document declares it, for routes that parse their query by hand
 * (domain/query-params.ts) and so give Elysia no query schema, which would replace these.
 */
export function queryParameter(name: string, description: string, schema: Record<string, unknown>, required = false) {
  return { name, in: 'query' as const, required, description, schema };
}
