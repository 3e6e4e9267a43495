// Queue counts and the oldest waiting job, per BullMQ queue, from GET /admin/queues.
import type { QueueListBodyT } from '../../../../domain/operations/operations-schema.ts';
import type { Api } from '../api.ts';
import { h, panelBody, setText, syncKeyed } from '../dom.ts';
import { formatCount, formatDuration } from '../format.ts';
import { errorLine, rethrowUnauthorized, statTile, type Panel } from './panel.ts';

type QueueItem = QueueListBodyT['queues'][number];
/** a head older than this is shown as a warning: no worker seems to be taking jobs */
const STALE_HEAD_SECONDS = 60;

export function queuesPanel(): Panel {
  const body = panelBody('queues');
  const errors = errorLine(body);
  const list = h('div', { class: 'queue-list' });
  body.append(list);

  const create = (queue: QueueItem) => {
    const tiles = {
      waiting: statTile('Waiting'),
      active: statTile('Active'),
      delayed: statTile('Delayed'),
      failed: statTile('Failed'),
      oldest: statTile('Oldest waiting'),
    };
    const element = h(
      'div',
      { class: 'queue' },
      h('p', { class: 'panel-note' }, h('code', {}, queue.name)),
      h('dl', { class: 'stats' }, ...Object.values(tiles).map((tile) => tile.element)),
      h('p', { class: 'panel-note queue-completed' }),
    );
    return Object.assign(element, { tiles });
  };
  const update = (element: ReturnType<typeof create>, queue: QueueItem) => {
    const { tiles } = element;
    tiles.waiting.set(formatCount(queue.counts.waiting));
    tiles.active.set(formatCount(queue.counts.active));
    tiles.delayed.set(formatCount(queue.counts.delayed));
    tiles.failed.set(formatCount(queue.counts.failed), queue.counts.failed > 0 ? 'bad' : null);
    const oldest = queue.oldestWaiting;
    tiles.oldest.set(oldest ? formatDuration(oldest.ageSeconds) : 'none', oldest && oldest.ageSeconds > STALE_HEAD_SECONDS ? 'warn' : null);
    tiles.oldest.element.title = oldest ? `job ${oldest.jobId}, queued ${new Date(oldest.enqueuedAt).toLocaleString()}` : '';
    setText(element.querySelector('.queue-completed')!, `${formatCount(queue.counts.completed)} completed jobs kept (completed jobs are removed at once)`);
  };

  return {
    async refresh(api) {
      try {
        const { queues } = await api.get<QueueListBodyT>('/admin/queues');
        errors.clear();
        syncKeyed(list, queues, (queue) => queue.name, create, update);
      } catch (error) {
        rethrowUnauthorized(error);
        errors.show(error);
      }
    },
  };
}
