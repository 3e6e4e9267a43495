// Completes the OpenAPI document that @elysiajs/openapi generates from the routes, with what is
// true of every operation of a kind and so is said once here rather than on each route (and holds
// for routes added later): the security of its group, the problem answers its group can give
// (401, 429 + Retry-After and the RateLimit headers on the user API, 413/415 where a body is
// taken, 503, 500), problem bodies as application/problem+json with an example per code, and
// the clean-up redocly asks for (no validator-only keywords such as TypeBox's errorMessage, no
// body on a 204), and an example for every body that has none written (openapi-examples.ts).
// What a route declares itself is kept.
import { PROBLEMS, problemBody, type ProblemCode } from '../domain/problems.ts';
import { ProblemBody } from '../domain/problem-schema.ts';
import { exampleOf, hasExample } from './openapi-examples.ts';

type Json = Record<string, any>;

const USER_PREFIX = '/api/v1/health';
const ADMIN_PREFIX = '/admin';

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Example details of each code, for the document only. */
const EXAMPLE_DETAILS: Partial<Record<ProblemCode, [string, Record<string, unknown>?]>> = {
  VALIDATION_FAILED: ['invalid body', { errors: [{ path: '/samples/3/startAt', message: 'Expected an RFC 3339 date-time' }] }],
  MALFORMED_JSON: ['the request body is not valid JSON'],
  MALFORMED_BODY_ENCODING: ['the body is not valid gzip (corrupt or cut short)', { encoding: 'gzip' }],
  UNAUTHORIZED: ['a valid Bearer token is required'],
  RATE_LIMITED: ['more than 600 requests in 60 s from this user; retry after 1 s', { retryAfterMs: 1000, limit: 600, windowSeconds: 60 }],
  PAYLOAD_TOO_LARGE: ['request body exceeds 5242880 bytes', { maxBytes: 5242880 }],
  UNSUPPORTED_MEDIA_TYPE: ['Content-Encoding "br" is not supported; send gzip, zstd or an uncompressed body', { supportedEncodings: ['gzip', 'zstd'] }],
  DATABASE_UNAVAILABLE: ['the database is unavailable; retry later', { retryAfterMs: 2000 }],
  SERVER_BUSY: ['192 uploads are being processed on this server; retry after 1 s', { retryAfterMs: 1000 }],
  INTERNAL: ['an unexpected error occurred'],
};

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid (problem details name the field)',
  401: 'Missing or invalid credentials',
  404: 'No such resource (or one that belongs to someone else)',
  408: 'The body did not arrive in time',
  409: 'The request is still being processed; retry after Retry-After',
  413: 'The body (decoded) exceeds the cap',
  415: 'Content-Encoding other than gzip or zstd',
  422: 'The requestId was used with a different payload',
  429: 'Past the per-user rate limit; retry after Retry-After',
  431: 'Request headers too large',
  500: 'Unexpected server error (no details leak)',
  503: 'A dependency is unavailable or the server is busy; retry after Retry-After',
};

const HEADERS = {
  'RateLimit-Policy': {
    description: 'The per-user quota (draft-ietf-httpapi-ratelimit-headers): q requests per w seconds',
    schema: { type: 'string', examples: ['"per-user";q=600;w=60'] },
  },
  RateLimit: {
    description: 'What is left of the quota now (r) and the seconds until it is whole again (t)',
    schema: { type: 'string', examples: ['"per-user";r=597;t=1'] },
  },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  'X-Request-Id': { description: 'The request id (echoed when sent, generated otherwise)', schema: { type: 'string' } },
};

/** 409 STILL_PROCESSING, 429 RATE_LIMITED and every 503 say when to retry. */
const RETRY_AFTER_STATUSES = [409, 429, 503];

function codesWithStatus(status: number): ProblemCode[] {
  return (Object.keys(PROBLEMS) as ProblemCode[]).filter((code) => PROBLEMS[code].status === status);
}

function problemContent(status: number): Json {
  const examples: Json = {};
  for (const code of codesWithStatus(status)) {
    const [detail, extras] = EXAMPLE_DETAILS[code] ?? [PROBLEMS[code].title];
    examples[code] = { summary: PROBLEMS[code].title, value: problemBody(code, detail, extras) };
  }
  return { [PROBLEM_MEDIA_TYPE]: { schema: structuredClone(ProblemBody), examples } };
}

function problemResponse(status: number): Json {
  const response: Json = { description: DESCRIPTIONS[status] ?? PROBLEMS[codesWithStatus(status)[0]!].title, content: problemContent(status) };
  if (RETRY_AFTER_STATUSES.includes(status)) response.headers = { 'Retry-After': HEADERS['Retry-After'] };
  return response;
}

/** Removes keywords only a validator reads (TypeBox's errorMessage), everywhere. */
function withoutValidatorKeywords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutValidatorKeywords);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'errorMessage') continue;
    out[key] = withoutValidatorKeywords(inner);
  }
  return out;
}

function completeOperation(path: string, operation: Json): void {
  const user = path.startsWith(USER_PREFIX);
  const admin = path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
  operation.security ??= user ? [{ bearer: [] }] : admin ? [{ adminApiKey: [] }] : [];
  const responses: Json = (operation.responses ??= {});
  const takesBody = operation.requestBody !== undefined;

  // every request passes the framing checks (431, and 400 for a doubled Content-Length)
  const wanted = new Set<number>([431, 500]);
  if (user) [401, 429, 503].forEach((status) => wanted.add(status));
  // admin routes read PostgreSQL or Redis too: DATABASE_UNAVAILABLE / QUEUE_UNAVAILABLE
  if (admin) [401, 503].forEach((status) => wanted.add(status));
  if (takesBody) [400, 413, 415].forEach((status) => wanted.add(status));
  for (const status of wanted) responses[String(status)] ??= problemResponse(status);
  for (const media of Object.values((operation.requestBody?.content ?? {}) as Json)) {
    if (media.schema && !hasExample(media)) media.example = exampleOf(media.schema);
  }

  for (const [status, response] of Object.entries(responses) as [string, Json][]) {
    const code = Number(status);
    if (code === 204 || code === 304) delete response.content;
    const declared = response.content?.['application/json'] ?? response.content?.[PROBLEM_MEDIA_TYPE];
    // a status body that is not a problem (/readyz's 503) stays as declared
    const notAProblem = declared?.schema?.properties !== undefined && declared.schema.properties.code === undefined;
    if (code >= 400 && !notAProblem) {
      // every error is problem+json (CONTRACT §3), whatever the route declared it as
      response.content = problemContent(code);
      if (!response.description || /^Response for status/.test(response.description)) response.description = DESCRIPTIONS[code] ?? response.description ?? 'Problem';
    }
    for (const media of Object.values((response.content ?? {}) as Json)) {
      if (media.schema && !hasExample(media)) media.example = exampleOf(media.schema);
    }
    response.headers = { 'X-Request-Id': HEADERS['X-Request-Id'], ...response.headers };
    if (user) response.headers = { ...response.headers, 'RateLimit-Policy': HEADERS['RateLimit-Policy'], RateLimit: HEADERS.RateLimit };
    // these problems always carry Retry-After, whether the route or this file declared them
    if (RETRY_AFTER_STATUSES.includes(code)) response.headers['Retry-After'] = HEADERS['Retry-After'];
  }
}

export function completeOpenApiDocument(generated: unknown): Json {
  const document = withoutValidatorKeywords(generated) as Json;
  document.servers ??= [{ url: '/', description: 'this service' }];
  document.info = { license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' }, ...document.info };
  for (const [path, operations] of Object.entries((document.paths ?? {}) as Json)) {
    for (const [method, operation] of Object.entries(operations as Json)) {
      if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) completeOperation(path, operation as Json);
    }
  }
  return document;
}
