// The operations console (CONTRACT §13):
//   GET  /admin/console                  the page (no key: it asks for one; it carries no data)
//   GET  /admin/console/{console.js,console.css,icon.svg}   its assets (no data either)
//   GET  /admin/console/features         (admin group) which optional panels this server fills
//   POST /admin/console/board-session    (admin group) → 204 + the Bull Board cookie (auth/board-sessions.ts)
// Every response carries a strict Content-Security-Policy: scripts, styles, images and requests
// from this origin only, no inline script or style, no framing, no form posts elsewhere.
import { Elysia } from 'elysia';
import { boardCookie, type BoardSessions } from '../../auth/board-sessions.ts';
import { ConsoleFeaturesBody, type ConsoleFeaturesBodyT } from '../../domain/operations/console-schema.ts';
import { consoleAssets, type ConsoleAssetName } from '../console/assets.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const ASSET_PATHS: Record<string, ConsoleAssetName> = {
  '/admin/console': 'page',
  '/admin/console/console.js': 'script',
  '/admin/console/console.css': 'style',
  '/admin/console/icon.svg': 'icon',
};

async function serveAsset(request: Request, name: ConsoleAssetName): Promise<Response> {
  const asset = (await consoleAssets())[name];
  const headers = { ...SECURITY_HEADERS, etag: asset.etag, 'cache-control': 'no-cache' };
  if (request.headers.get('if-none-match') === asset.etag) return new Response(null, { status: 304, headers });
  return new Response(asset.body, { headers: { ...headers, 'content-type': asset.contentType } });
}

/** Over https, directly or behind a proxy that says so: the cookie gets Secure (spoofing only makes it stricter). */
const overHttps = (request: Request) =>
  new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

export function adminConsoleAssetsRoute() {
  let app = new Elysia();
  for (const [path, name] of Object.entries(ASSET_PATHS)) {
    app = app.get(path, ({ request }) => serveAsset(request, name), { detail: { hide: true } });
  }
  return app;
}

/** The console's two admin-group routes: its optional panels, and the Bull Board session. */
export function adminConsoleRoutes(app: AdminApi, sessions: BoardSessions, features: ConsoleFeaturesBodyT, now: () => number = Date.now): void {
  app
    .get('/admin/console/features', () => features, {
      response: { 200: ConsoleFeaturesBody },
      detail: { summary: "Which of the console's optional panels this server fills", tags: ['admin'], security: ADMIN_SECURITY },
    })
    .post(
      '/admin/console/board-session',
      ({ request, adminKey, set }) => {
        set.status = 204;
        set.headers['set-cookie'] = boardCookie(sessions.mint(adminKey, now()), overHttps(request));
        set.headers['cache-control'] = 'no-store';
        return null;
      },
      {
        detail: {
          summary: 'Open Bull Board for this browser: a 30-minute HttpOnly, SameSite=Strict cookie scoped to /admin/queues/board',
          tags: ['admin'],
          security: ADMIN_SECURITY,
          responses: { 204: { description: 'The cookie is set (Set-Cookie)' } },
        },
      },
    );
}
