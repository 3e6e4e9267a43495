// Every error leaves as RFC 9457 problem+json with a stable `code` (catalogue: domain/problems.ts).
// Elysia's own errors are mapped here (its 422 for schema failures would collide with
// IDEMPOTENCY_KEY_REUSED), and so is what PostgreSQL still refuses of a request's values after
// every check before it (the classifier start/ passes in: db/errors.ts): a 400, never a 500.
// Unexpected errors are logged with the request id and answered 500 without stack or SQL.
import { Elysia } from 'elysia';
import { problemBody, ProblemError, retryLater, type ProblemCode } from '../../domain/problems.ts';
import { MAX_REPORTED_ERRORS } from '../../domain/validation.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../limits.ts';
import type { Logger } from '../../log.ts';
import { requestIdOf } from './request-id.ts';
import type { AllowedMethods } from '../allowed-methods.ts';

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

const render = (request: Request, problem: ProblemError) => problemResponse(request, problem.code, problem.detail, problem.extras, problem.headers);

interface TypeBoxIssue {
  path?: string;
  message?: string;
}

/**
 * Bun.serve's `error` handler: an error that escaped the app entirely (this plugin answers every
 * other one) still leaves as problem+json with a request id, not as Bun's own error page.
 */
export function lastResortErrorHandler(log: Logger) {
  return (error: unknown): Response => {
    const requestId = crypto.randomUUID();
    log.error({ requestId, err: error }, 'error outside the app');
    return new Response(JSON.stringify(problemBody('INTERNAL', 'an unexpected error occurred')), {
      status: 500,
      headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId },
    });
  };
}

/** What the plugin asks of the database layer about an error (db/errors.ts, passed in by start/). */
export interface StorageErrors {
  /** the SQLSTATE when the database refused a value the request carried, else null */
  refusedInput(error: unknown): string | null;
  /** a short reason when the database is (temporarily) unavailable, else null */
  databaseUnavailable(error: unknown): string | null;
}

export function problemsPlugin(log: Logger, storage: StorageErrors, allowedMethods: AllowedMethods = () => []) {
  return new Elysia({ name: 'problems' }).onError({ as: 'global' }, (context) => {
    const response = toProblem(context.code, context.error, context.request);
    // the access log and the latency histogram read the status from here
    context.set.status = response.status;
    return response;
  });

  function toProblem(code: unknown, error: unknown, request: Request): Response {
    if (error instanceof ProblemError) return render(request, error);
    switch (code) {
      case 'NOT_FOUND': {
        const allowed = allowedMethods(new URL(request.url).pathname);
        if (allowed.length === 0) return problemResponse(request, 'NOT_FOUND', 'no such resource');
        const allow = allowed.join(', ');
        return problemResponse(request, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow}`, {}, { allow });
      }
      case 'PARSE':
        // a parse hook's own problem (a corrupt or oversized encoded body), wrapped by Elysia
        if ((error as { cause?: unknown }).cause instanceof ProblemError) return render(request, (error as { cause: ProblemError }).cause);
        return problemResponse(request, 'MALFORMED_JSON', 'the request body could not be parsed');
      case 'VALIDATION': {
        const issues = ((error as { all?: TypeBoxIssue[] }).all ?? []).slice(0, MAX_REPORTED_ERRORS);
        const on = (error as { type?: string }).type ?? 'request';
        return problemResponse(request, 'VALIDATION_FAILED', `invalid ${on}`, {
          errors: issues.map((issue) => ({ path: `/${on}${issue.path ?? ''}`, message: issue.message ?? 'invalid' })),
        });
      }
    }
    const refused = storage.refusedInput(error);
    if (refused) {
      // the SQLSTATE only: PostgreSQL's message quotes the value it refused
      log.warn({ requestId: requestIdOf(request), sqlState: refused }, 'the database refused a value of the request');
      return problemResponse(request, 'VALIDATION_FAILED', 'a value of the request is outside what the service can store', {
        errors: [{ path: '', message: `refused by the database (SQLSTATE ${refused}); check date-times, numbers and text` }],
      });
    }
    const unavailable = storage.databaseUnavailable(error);
    if (unavailable) {
      log.warn({ requestId: requestIdOf(request), reason: unavailable }, 'database unavailable');
      return render(request, retryLater('DATABASE_UNAVAILABLE', 'the database is unavailable; retry later', DATABASE_RETRY_AFTER_SECONDS));
    }
    log.error({ requestId: requestIdOf(request), err: error }, 'unhandled error');
    return problemResponse(request, 'INTERNAL', 'an unexpected error occurred');
  }
}
