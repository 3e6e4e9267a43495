// Every error leaves as RFC 9457 problem+json with a stable `code` (catalogue: domain/problems.ts).
// Elysia's own errors are mapped here (its 422 for schema failures would collide with
// IDEMPOTENCY_KEY_REUSED). Unexpected errors are logged with the request id and answered 500
// without stack or SQL.
import { Elysia } from 'elysia';
import { problemBody, ProblemError, type ProblemCode } from '../../domain/problems.ts';
import { databaseUnavailable } from '../../db/errors.ts';
import type { Logger } from '../../log.ts';
import { requestIdOf } from './request-id.ts';

export function problemResponse(
  request: Request,
  code: ProblemCode,
  detail: string,
  extras: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(code, detail, extras);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': requestIdOf(request), ...headers },
  });
}

interface TypeBoxIssue {
  path?: string;
  message?: string;
}

export function problemsPlugin(log: Logger) {
  return new Elysia({ name: 'problems' }).onError({ as: 'global' }, (context) => {
    const response = toProblem(context.code, context.error, context.request);
    // the access log and the latency histogram read the status from here
    context.set.status = response.status;
    return response;
  });

  function toProblem(code: unknown, error: unknown, request: Request): Response {
    if (error instanceof ProblemError) {
      return problemResponse(request, error.code, error.detail, error.extras, error.headers);
    }
    switch (code) {
      case 'NOT_FOUND':
        return problemResponse(request, 'NOT_FOUND', 'no such resource');
      case 'PARSE':
        return problemResponse(request, 'MALFORMED_JSON', 'the request body could not be parsed');
      case 'VALIDATION': {
        const issues = ((error as { all?: TypeBoxIssue[] }).all ?? []).slice(0, 50);
        const on = (error as { type?: string }).type ?? 'request';
        return problemResponse(request, 'VALIDATION_FAILED', `invalid ${on}`, {
          errors: issues.map((issue) => ({ path: `/${on}${issue.path ?? ''}`, message: issue.message ?? 'invalid' })),
        });
      }
    }
    const unavailable = databaseUnavailable(error);
    if (unavailable) {
      log.warn({ requestId: requestIdOf(request), reason: unavailable }, 'database unavailable');
      return problemResponse(request, 'DATABASE_UNAVAILABLE', 'the database is unavailable; retry later', {}, {
        'retry-after': '2',
      });
    }
    log.error({ requestId: requestIdOf(request), err: error }, 'unhandled error');
    return problemResponse(request, 'INTERNAL', 'an unexpected error occurred');
  }
}
