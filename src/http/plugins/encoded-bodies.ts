// The `parse` hook of the routes whose body Elysia parses against a schema (the admin webhook
// routes): a body with a Content-Encoding is decoded under a cap and parsed as JSON here, so that
// every route that takes a body takes gzip and zstd and refuses other codings with 415, like the
// routes that read their body by hand (json-body.ts). A body without one falls through to
// Elysia's own parser. Per route, not global: a global parse hook would also consume the body
// of the `parse: 'none'` routes before they read it.
import { readJsonBody } from './json-body.ts';

/** The decoded size of a schema-parsed body (admin JSON: an endpoint, a replay window). */
export const SCHEMA_BODY_MAX_BYTES = 1024 * 1024;

export async function parseEncodedJson({ request }: { request: Request }): Promise<unknown> {
  if (request.headers.get('content-encoding') === null) return undefined;
  return readJsonBody(request, SCHEMA_BODY_MAX_BYTES);
}
