import { describe, expect, test } from 'bun:test';
import { BOARD_SESSION_SECONDS, boardCookie, boardCookieOf, createBoardSessions } from '../../../src/auth/board-sessions.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const KEYS = ['key-one', 'key-two'];

describe('Bull Board sessions', () => {
  const sessions = createBoardSessions(KEYS);

  test('a session minted with any configured key opens the board until it expires', () => {
    for (const key of KEYS) {
      const value = sessions.mint(key, NOW);
      expect(sessions.verify(value, NOW)).toBe(true);
      expect(sessions.verify(value, NOW + (BOARD_SESSION_SECONDS - 1) * 1000)).toBe(true);
      expect(sessions.verify(value, NOW + BOARD_SESSION_SECONDS * 1000)).toBe(false);
    }
  });

  test('another replica with the same keys accepts it; removing the key revokes it', () => {
    const value = sessions.mint('key-two', NOW);
    expect(createBoardSessions([...KEYS]).verify(value, NOW)).toBe(true);
    expect(createBoardSessions(['key-one']).verify(value, NOW)).toBe(false);
    expect(createBoardSessions([]).verify(value, NOW)).toBe(false);
  });

  test.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['a key instead of a session', 'key-one'],
    ['a longer expiry with the old signature', (() => { const [e, s] = sessions.mint('key-one', NOW).split('.'); return `${Number(e) + 3600}.${s}`; })()],
    ['a changed signature', (() => { const v = sessions.mint('key-one', NOW); return `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}`; })()],
    ['a session signed with an unknown key', createBoardSessions(['intruder']).mint('intruder', NOW)],
    ['an expiry far in the future', (() => { const [e, s] = sessions.mint('key-one', NOW + 86_400_000).split('.'); return `${e}.${s}`; })()],
  ])('%s is refused', (_, value) => {
    expect(sessions.verify(value, NOW)).toBe(false);
  });

  test('the cookie is HttpOnly, SameSite=Strict, scoped to the board, short-lived, Secure over https', () => {
    expect(boardCookie('v', false)).toBe(`hi_board=v; Path=/admin/queues/board; Max-Age=${BOARD_SESSION_SECONDS}; HttpOnly; SameSite=Strict`);
    expect(boardCookie('v', true)).toEndWith('; Secure');
  });

  test('the session is read from a Cookie header among others', () => {
    expect(boardCookieOf('a=1; hi_board=123.abc; b=2')).toBe('123.abc');
    expect(boardCookieOf('hi_boardx=1')).toBeUndefined();
    expect(boardCookieOf(null)).toBeUndefined();
  });
});
