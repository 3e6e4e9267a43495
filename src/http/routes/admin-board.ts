// Bull Board (BullMQ's own job view) at /admin/queues/board, behind the console's session cookie
// (auth/board-sessions.ts: a browser navigation cannot send X-Api-Key). Read-only: the queue's
// truth is the request rows in PostgreSQL, so jobs are not retried, removed or added from here
// (BullMQAdapter readOnlyMode, and anything but GET/HEAD is refused before it reaches the board).
//
// The board (@bull-board/api + @bull-board/elysia, pinned together at 6.21.3) is built on the
// first request and kept: registering it reads its static files from disk, which the service's
// start-up need not wait for. Its page links a web font from a CDN; that link is taken out, so
// it works offline and within its CSP (the system font is used). Trap: the adapter names each
// static route by what follows the first "dist" in the file's absolute path, so the service
// must not be installed under a folder whose path contains "dist" before node_modules.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ElysiaAdapter } from '@bull-board/elysia';
import type { Queue } from 'bullmq';
import { Elysia } from 'elysia';
import { BOARD_PATH, boardCookieOf, type BoardSessions } from '../../auth/board-sessions.ts';
import { ProblemError } from '../../domain/problems.ts';

/** the board's own page needs inline styles (its loading screen); scripts stay same-origin only */
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CDN_FONT_LINK = /<link[^>]+fonts\.googleapis\.com[^>]*>/g;

async function buildBoard(queues: readonly Queue[]): Promise<Elysia> {
  const adapter = new ElysiaAdapter(BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'health-ingest queues' } },
  });
  return new Elysia().use(await adapter.registerPlugin()) as unknown as Elysia;
}

export function adminBoardRoute(queues: readonly Queue[], sessions: BoardSessions, now: () => number = Date.now) {
  let board: Promise<Elysia> | null = null;
  const boardApp = () =>
    (board ??= buildBoard(queues).catch((error: unknown) => {
      board = null;
      throw error;
    }));

  async function forward(request: Request): Promise<Response> {
    if (!sessions.verify(boardCookieOf(request.headers.get('cookie')), now())) {
      throw new ProblemError('UNAUTHORIZED', 'open Bull Board from /admin/console: it authorizes this browser for 30 minutes');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ProblemError('METHOD_NOT_ALLOWED', 'Bull Board is read-only here');
    }
    const response = await (await boardApp()).handle(request);
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', BOARD_CSP);
    headers.set('x-content-type-options', 'nosniff');
    headers.set('referrer-policy', 'no-referrer');
    headers.set('cache-control', 'no-store');
    if (!(headers.get('content-type') ?? '').startsWith('text/html')) {
      return new Response(response.body, { status: response.status, headers });
    }
    const page = (await response.text()).replace(CDN_FONT_LINK, '');
    headers.delete('content-length');
    return new Response(page, { status: response.status, headers });
  }

  return new Elysia()
    .all(BOARD_PATH, ({ request }) => forward(request), { detail: { hide: true } })
    .all(`${BOARD_PATH}/*`, ({ request }) => forward(request), { detail: { hide: true } });
}
