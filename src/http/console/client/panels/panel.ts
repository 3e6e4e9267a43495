// What every panel of the console is: a section of the page that refreshes itself from the admin
// JSON endpoints and shows its own failure without taking the others down.
import { ApiError, type Api } from '../api.ts';
import { h } from '../dom.ts';

export interface Panel {
  refresh(api: Api): Promise<void>;
}

/** The panel's one error line (created on first use, cleared on success). */
export function errorLine(body: HTMLElement): { show(error: unknown): void; clear(): void } {
  let line: HTMLParagraphElement | null = null;
  return {
    show(error) {
      line ??= body.insertBefore(h('p', { class: 'panel-error' }), body.firstChild);
      line.textContent = `Could not load: ${error instanceof ApiError ? error.detail : String(error)}`;
    },
    clear() {
      line?.remove();
      line = null;
    },
  };
}

/** A 401 ends the session (the page asks for the key again); the panel does not swallow it. */
export function rethrowUnauthorized(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) throw error;
}

/** A stat tile <div><dt/><dd/></div> whose value is updated in place. */
export function statTile(label: string): { element: HTMLDivElement; set(value: string, tone?: 'warn' | 'bad' | null): void } {
  const value = h('dd');
  const element = h('div', { class: 'stat' }, h('dt', {}, label), value);
  return {
    element,
    set(text, tone = null) {
      if (value.textContent !== text) value.textContent = text;
      element.classList.toggle('warn', tone === 'warn');
      element.classList.toggle('bad', tone === 'bad');
    },
  };
}

export const UNAUTHORIZED_EVENT = 'console:unauthorized';

/**
 * For actions (clicks): a 401 is handed to the page, which asks for the key again; true when it
 * was one (the caller stops there).
 */
export function reportUnauthorized(error: unknown): boolean {
  if (!(error instanceof ApiError && error.status === 401)) return false;
  document.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: error }));
  return true;
}
