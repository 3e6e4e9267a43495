// The operations console in the browser (CONTRACT §13). The page itself carries no data: it asks
// for an admin key once, keeps it in this tab's sessionStorage, and reads everything from the
// admin JSON endpoints with it (X-Api-Key), refreshing every 5 s. Bull Board gets a short-lived
// HttpOnly cookie minted here after the key was accepted (see src/auth/board-sessions.ts).
import type { ConsoleFeaturesBodyT } from '../../../domain/operations/console-schema.ts';
import { ApiError, createApi, type Api } from './api.ts';
import { formatClock } from './format.ts';
import { importsPanel } from './panels/imports.ts';
import { jobsPanel } from './panels/jobs.ts';
import { outboxPanel } from './panels/outbox.ts';
import { UNAUTHORIZED_EVENT, type Panel } from './panels/panel.ts';
import { queuesPanel } from './panels/queues.ts';
import { ratesPanel } from './panels/rates.ts';
import { webhooksPanel } from './panels/webhooks.ts';

const STORAGE_KEY = 'health-ingest.adminKey';
const REFRESH_EVERY_MS = 5000;
/** the board's cookie lives 30 min; a new one is asked for well before */
const BOARD_SESSION_RENEW_MS = 10 * 60 * 1000;

const byId = <T extends HTMLElement>(id: string) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
};

const signIn = byId<HTMLElement>('sign-in');
const form = byId<HTMLFormElement>('key-form');
const keyInput = byId<HTMLInputElement>('admin-key');
const keyError = byId<HTMLParagraphElement>('key-error');
const panelsRoot = byId<HTMLElement>('panels');
const sessionActions = byId<HTMLElement>('session-actions');
const status = byId<HTMLParagraphElement>('refresh-status');
const pauseButton = byId<HTMLButtonElement>('pause');
const signOutButton = byId<HTMLButtonElement>('sign-out');

let panels: Panel[] | null = null;
let session: { api: Api; timer: ReturnType<typeof setTimeout> | null; paused: boolean; boardMintedAt: number } | null = null;

/** What a refused key means, in words an operator can act on. */
function refusal(error: ApiError): string {
  if (/disabled|no key is configured/i.test(error.detail)) {
    return `Admin endpoints are disabled on this server: no admin key is configured (set ADMIN_API_KEYS). (${error.detail})`;
  }
  return 'This key was refused. Check it against ADMIN_API_KEYS and try again.';
}

function showSignIn(message = ''): void {
  stopRefresh();
  session = null;
  sessionStorage.removeItem(STORAGE_KEY);
  panelsRoot.hidden = true;
  sessionActions.hidden = true;
  signIn.hidden = false;
  keyError.textContent = message;
  keyInput.value = '';
  keyInput.setAttribute('aria-invalid', message ? 'true' : 'false');
  keyInput.focus();
}

function stopRefresh(): void {
  if (session?.timer) clearTimeout(session.timer);
  if (session) session.timer = null;
}

async function mintBoardSession(api: Api): Promise<void> {
  try {
    await api.post('/admin/console/board-session');
    if (session) session.boardMintedAt = Date.now();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    // the board link then answers 401 itself; the console goes on
  }
}

async function refreshAll(): Promise<void> {
  const current = session;
  if (!current || !panels) return;
  try {
    await Promise.all(panels.map((panel) => panel.refresh(current.api)));
    if (Date.now() - current.boardMintedAt > BOARD_SESSION_RENEW_MS) await mintBoardSession(current.api);
    if (session === current) status.textContent = `Updated ${formatClock(new Date())}${current.paused ? ' · paused' : ''}`;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn(refusal(error));
      return;
    }
    status.textContent = `Refresh failed: ${(error as Error).message}`;
  }
  if (session === current && !current.paused) current.timer = setTimeout(() => void refreshAll(), REFRESH_EVERY_MS);
}

async function start(key: string, { fromForm }: { fromForm: boolean }): Promise<void> {
  const api = createApi(key);
  try {
    // one cheap admin call decides whether the key opens the console
    await api.get('/admin/jobs');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignIn(refusal(error));
    if (fromForm) {
      keyError.textContent = `The service could not be asked: ${error instanceof ApiError ? error.detail : String(error)}`;
      return;
    }
  }
  let features: ConsoleFeaturesBodyT = { imports: false, webhooks: false };
  try {
    features = await api.get<ConsoleFeaturesBodyT>('/admin/console/features');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignIn(refusal(error));
  }
  sessionStorage.setItem(STORAGE_KEY, key);
  session = { api, timer: null, paused: false, boardMintedAt: 0 };
  panels ??= [ratesPanel(), queuesPanel(), outboxPanel(), jobsPanel(), importsPanel(features), webhooksPanel(features)];
  signIn.hidden = true;
  panelsRoot.hidden = false;
  sessionActions.hidden = false;
  pauseButton.setAttribute('aria-pressed', 'false');
  pauseButton.textContent = 'Pause refresh';
  keyError.textContent = '';
  await mintBoardSession(api).catch(() => {});
  await refreshAll();
  if (fromForm) byId<HTMLElement>('main').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (!key) {
    keyError.textContent = 'Enter an admin API key.';
    keyInput.setAttribute('aria-invalid', 'true');
    keyInput.focus();
    return;
  }
  void start(key, { fromForm: true });
});

pauseButton.addEventListener('click', () => {
  if (!session) return;
  session.paused = !session.paused;
  pauseButton.setAttribute('aria-pressed', String(session.paused));
  pauseButton.textContent = session.paused ? 'Resume refresh' : 'Pause refresh';
  if (session.paused) {
    stopRefresh();
    status.textContent = `${status.textContent?.replace(' · paused', '') ?? ''} · paused`;
  } else void refreshAll();
});

signOutButton.addEventListener('click', () => showSignIn(''));

document.addEventListener(UNAUTHORIZED_EVENT, (event) => {
  const error = (event as CustomEvent<ApiError>).detail;
  showSignIn(refusal(error));
});

const saved = sessionStorage.getItem(STORAGE_KEY);
if (saved) void start(saved, { fromForm: false });
else keyInput.focus();
