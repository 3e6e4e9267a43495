// Requests Bun's HTTP parser lets through but the service refuses, answered by the app so they
// get problem+json and an X-Request-Id like every other error (what Bun refuses itself, before
// the app, is answered by Bun with an empty body: see the README, "Errors below the app").
// - A header section over MAX_HEADER_BYTES → 431. Bun's own limit is raised above it (the
//   `--max-http-header-size` of the package scripts), so that the app, not Bun, answers the
//   common oversized case (a bloated cookie or token).
// - Content-Length sent more than once: Bun refuses differing values itself and passes equal
//   ones on joined ("2, 2"); the framing is ambiguous either way, so it is a 400 and the
//   connection is closed.
import { Elysia } from 'elysia';
import { ProblemError } from '../../domain/problems.ts';

/** The header section (request line and every header) a request may have: Bun's default limit. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Bytes of the request line and header lines as sent (CRLFs included), near enough. */
function headerBytes(request: Request): number {
  let bytes = request.method.length + request.url.length + 12;
  request.headers.forEach((value, name) => {
    bytes += name.length + value.length + 4;
  });
  return bytes;
}

export const requestFramingPlugin = new Elysia({ name: 'request-framing' }).onRequest(({ request }) => {
  if (headerBytes(request) > MAX_HEADER_BYTES) {
    throw new ProblemError('REQUEST_HEADERS_TOO_LARGE', `the request line and headers exceed ${MAX_HEADER_BYTES} bytes`, {
      maxBytes: MAX_HEADER_BYTES,
    });
  }
  const length = request.headers.get('content-length');
  if (length !== null && length.includes(',')) {
    throw new ProblemError(
      'VALIDATION_FAILED',
      'Content-Length was sent more than once',
      { errors: [{ path: '/headers/content-length', message: 'send exactly one Content-Length' }] },
      { connection: 'close' },
    );
  }
});
