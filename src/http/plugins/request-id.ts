// Every response carries X-Request-Id: the client's when it sent a sane one, a new UUID otherwise.
import { Elysia } from 'elysia';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** Request → its id; a WeakMap so error handlers and loggers can find it without context plumbing. */
const ids = new WeakMap<Request, { id: string; startedAt: number }>();

export function requestIdOf(request: Request): string {
  return ids.get(request)?.id ?? 'unknown';
}

export function startedAtOf(request: Request): number {
  return ids.get(request)?.startedAt ?? performance.now();
}

export const requestIdPlugin = new Elysia({ name: 'request-id' }).onRequest(({ request, set }) => {
  const sent = request.headers.get('x-request-id');
  const id = sent !== null && SANE_REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
  ids.set(request, { id, startedAt: performance.now() });
  set.headers['x-request-id'] = id;
});
