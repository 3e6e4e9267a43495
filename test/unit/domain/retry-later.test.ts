// retryLater: the one way a problem tells the client to come back — Retry-After and
// retryAfterMs always together, in whole seconds.
import { expect, test } from 'bun:test';
import { problemBody, retryLater } from '../../../src/domain/problems.ts';

test.each([
  ['STILL_PROCESSING', 1, 409],
  ['SERVER_BUSY', 1, 503],
  ['DATABASE_UNAVAILABLE', 2, 503],
  ['QUEUE_UNAVAILABLE', 5, 503],
] as const)('%s after %i s: status %i, header and body agree', (code, seconds, status) => {
  const problem = retryLater(code, 'later', seconds);
  expect(problem.status).toBe(status);
  expect(problem.headers).toEqual({ 'retry-after': String(seconds) });
  expect(problemBody(problem.code, problem.detail, problem.extras)).toMatchObject({ code, detail: 'later', retryAfterMs: seconds * 1000 });
});
