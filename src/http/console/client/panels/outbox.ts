// Outbox backlog, lag and dead letters, with replay (one letter, or all of them), from
// GET /admin/outbox, GET /admin/outbox/dead and POST /admin/outbox/dead/replay.
import type { DeadEventPageBodyT, OutboxSummaryBodyT } from '../../../../domain/operations/console-schema.ts';
import { ApiError, type Api } from '../api.ts';
import { h, panelBody, setText, syncKeyed } from '../dom.ts';
import { formatCount, formatDuration, formatRelative, formatTime } from '../format.ts';
import { errorLine, reportUnauthorized, rethrowUnauthorized, statTile, type Panel } from './panel.ts';

type DeadEvent = DeadEventPageBodyT['items'][number];
const SHOWN_DEAD_LETTERS = 20;
/** a lag past this is a warning: the processor is behind or stopped */
const LAG_WARNING_SECONDS = 30;

export function outboxPanel(): Panel {
  const body = panelBody('outbox');
  const errors = errorLine(body);
  const pending = statTile('Backlog');
  const lag = statTile('Lag');
  const dead = statTile('Dead letters');
  const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
  const replayAll = h('button', { type: 'button', class: 'secondary small', 'data-action': 'replay-all' }, 'Replay all');
  const rows = h('tbody');
  const table = h(
    'table',
    { class: 'dead-letters' },
    h('caption', {}, 'Events that exhausted their attempts, oldest first'),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'Last error'), h('th', { scope: 'col', class: 'num' }, 'Tries'), h('th', { scope: 'col' }, 'Since'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action'))),
    ),
    rows,
  );
  const empty = h('p', { class: 'empty' }, 'No dead letters.');
  body.append(
    h('dl', { class: 'stats' }, pending.element, lag.element, dead.element),
    h('div', { class: 'actions-row' }, h('h3', {}, 'Dead letters'), replayAll),
    message,
    h('div', { class: 'table-scroll' }, table),
    empty,
  );

  let api: Api | null = null;
  let refreshSelf: () => Promise<void> = async () => {};

  async function replay(ids: number[] | null, button: HTMLButtonElement) {
    if (!api) return;
    button.disabled = true;
    try {
      const { replayed } = await api.post<{ replayed: number }>('/admin/outbox/dead/replay', ids ? { ids } : {});
      message.className = 'message ok';
      message.textContent = `${formatCount(replayed)} dead letter${replayed === 1 ? '' : 's'} put back in the outbox.`;
      await refreshSelf();
    } catch (error) {
      if (reportUnauthorized(error)) return;
      message.className = 'message error';
      message.textContent = `Replay failed: ${error instanceof ApiError ? error.detail : String(error)}`;
    } finally {
      button.disabled = false;
      // the row's own button left with its row: keep the keyboard in the panel
      if (!button.isConnected) replayAll.focus();
    }
  }
  replayAll.addEventListener('click', () => void replay(null, replayAll));

  const create = (event: DeadEvent) => {
    const button = h('button', { type: 'button', class: 'secondary small', 'data-action': 'replay' }, 'Replay');
    button.addEventListener('click', () => void replay([event.id], button));
    return h('tr', {}, h('td', {}), h('td', { class: 'error-text' }), h('td', { class: 'num' }), h('td', {}), h('td', {}, button));
  };
  const update = (row: HTMLTableRowElement, event: DeadEvent) => {
    const [what, error, attempts, since, action] = Array.from(row.cells);
    setText(what!, `#${event.id} ${event.eventType}`);
    what!.title = `user ${event.userId}, seq ${event.seq}`;
    setText(error!, event.lastError ?? '—');
    setText(attempts!, String(event.attempts));
    setText(since!, formatRelative(event.createdAt));
    since!.title = formatTime(event.createdAt);
    action!.querySelector('button')!.setAttribute('aria-label', `Replay dead letter ${event.id} (${event.eventType})`);
  };

  return {
    async refresh(client) {
      api = client;
      refreshSelf = () => this.refresh(client);
      try {
        const [summary, page] = await Promise.all([
          client.get<OutboxSummaryBodyT>('/admin/outbox'),
          client.get<DeadEventPageBodyT>(`/admin/outbox/dead?limit=${SHOWN_DEAD_LETTERS}`),
        ]);
        errors.clear();
        pending.set(formatCount(summary.pending));
        lag.set(formatDuration(summary.lagSeconds), summary.lagSeconds > LAG_WARNING_SECONDS ? 'warn' : null);
        dead.set(formatCount(summary.dead), summary.dead > 0 ? 'bad' : null);
        syncKeyed(rows, page.items, (event) => String(event.id), create, update);
        table.hidden = page.items.length === 0;
        empty.hidden = page.items.length > 0;
        replayAll.disabled = summary.dead === 0;
        setText(table.caption!, summary.dead > page.items.length ? `The oldest ${page.items.length} of ${formatCount(summary.dead)} dead letters` : 'Events that exhausted their attempts, oldest first');
      } catch (error) {
        rethrowUnauthorized(error);
        errors.show(error);
      }
    },
  };
}
