// Bull Board sessions. A browser cannot send X-Api-Key on a navigation, so the console, once its
// key has been checked, asks for a cookie that opens /admin/queues/board for a short while:
//
//   hi_board=<expires unix seconds>.<base64url HMAC-SHA256(admin key, "bull-board:" + expires)>
//   Path=/admin/queues/board; HttpOnly; SameSite=Strict; Max-Age=1800 (+ Secure over https)
//
// Why that is safe: HttpOnly keeps it from page scripts; SameSite=Strict keeps it off every
// request another site starts (no CSRF); the path keeps it off the rest of /admin, whose
// endpoints accept only the X-Api-Key header, so the cookie can never run a job or replay a
// letter; it signs an expiry under an admin key and carries no key, so it cannot be forged or
// stretched, every replica (same ADMIN_API_KEYS) accepts it, and removing that key from
// ADMIN_API_KEYS revokes it; and the board it opens is read-only.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const BOARD_PATH = '/admin/queues/board';
export const BOARD_COOKIE = 'hi_board';
export const BOARD_SESSION_SECONDS = 30 * 60;

const sign = (key: string, expires: number) => createHmac('sha256', key).update(`bull-board:${expires}`).digest();

export interface BoardSessions {
  /** the cookie value for a session ending `BOARD_SESSION_SECONDS` after `nowMs`, signed with `key` */
  mint(key: string, nowMs: number): string;
  /** true when `value` was minted with one of the keys and has not expired */
  verify(value: string | undefined, nowMs: number): boolean;
}

export function createBoardSessions(adminApiKeys: readonly string[]): BoardSessions {
  return {
    mint(key, nowMs) {
      const expires = Math.floor(nowMs / 1000) + BOARD_SESSION_SECONDS;
      return `${expires}.${sign(key, expires).toString('base64url')}`;
    },
    verify(value, nowMs) {
      const match = value === undefined ? null : /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
      if (!match) return false;
      const expires = Number(match[1]);
      // a replica whose clock runs a minute ahead may have minted it
      if (expires * 1000 <= nowMs || expires * 1000 > nowMs + (BOARD_SESSION_SECONDS + 60) * 1000) return false;
      const sent = Buffer.from(match[2]!, 'base64url');
      // every key, always: timing does not tell which one matched
      let ok = false;
      for (const key of adminApiKeys) ok = timingSafeEqual(sign(key, expires), sent) || ok;
      return ok;
    },
  };
}

/** The Set-Cookie header value of a session (Secure when the console was reached over https). */
export function boardCookie(value: string, secure: boolean): string {
  return [
    `${BOARD_COOKIE}=${value}`,
    `Path=${BOARD_PATH}`,
    `Max-Age=${BOARD_SESSION_SECONDS}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The session cookie's value in a Cookie header, if any. */
export function boardCookieOf(cookieHeader: string | null): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === BOARD_COOKIE) return rest.join('=');
  }
  return undefined;
}
