// Imports in progress, each with a progress bar over the bytes read, from
// GET /admin/imports?status=queued,running. A server without the import pipeline says so in
// GET /admin/console/features, and the panel says so instead of asking.
import type { ConsoleFeaturesBodyT, ImportsInProgressBodyT } from '../../../../domain/operations/console-schema.ts';
import type { Api } from '../api.ts';
import { h, panelBody, setText, syncKeyed } from '../dom.ts';
import { formatCount, formatRelative } from '../format.ts';
import { errorLine, rethrowUnauthorized, type Panel } from './panel.ts';

type Import = ImportsInProgressBodyT['items'][number];

export function importsPanel(features: ConsoleFeaturesBodyT): Panel {
  const body = panelBody('imports');
  const errors = errorLine(body);
  const list = h('ul', { class: 'imports', 'aria-label': 'imports not finished, newest first' });
  const empty = h('p', { class: 'empty' }, 'No import is queued or running.');
  body.append(list, empty);

  const create = (item: Import) =>
    h(
      'li',
      {},
      h('div', { class: 'import-head' }, h('span', { class: 'import-what' }), h('span', { class: 'badge' })),
      h('progress', { max: '1', 'aria-label': `progress of import ${item.importId}` }),
      h('div', { class: 'import-counts' }),
    );
  const update = (element: HTMLLIElement, item: Import) => {
    setText(element.querySelector('.import-what')!, `${item.format} · user ${item.userId.slice(0, 8)} · started ${formatRelative(item.startedAt ?? item.createdAt)}`);
    const badge = element.querySelector('.badge')!;
    setText(badge, item.status);
    badge.className = `badge ${item.status}`;
    const bar = element.querySelector('progress')!;
    const { bytesTotal, bytesRead } = item.progress;
    if (bytesTotal && bytesTotal > 0) {
      bar.max = bytesTotal;
      bar.value = Math.min(bytesRead, bytesTotal);
      bar.setAttribute('aria-valuetext', `${Math.round((100 * bar.value) / bytesTotal)} % of ${formatCount(bytesTotal)} bytes`);
    } else bar.removeAttribute('value'); // indeterminate until the size is known
    const p = item.progress;
    setText(
      element.querySelector('.import-counts')!,
      `${formatCount(p.recordsRead)} records read · ${formatCount(p.accepted)} accepted · ${formatCount(p.unchanged)} unchanged · ${formatCount(p.failed)} failed`,
    );
  };

  return {
    async refresh(api: Api) {
      if (!features.imports) {
        empty.hidden = false;
        setText(empty, 'This server has no import pipeline yet.');
        return;
      }
      try {
        const { items } = await api.get<ImportsInProgressBodyT>('/admin/imports?status=queued,running');
        errors.clear();
        syncKeyed(list, items, (item) => item.importId, create, update);
        empty.hidden = items.length > 0;
        setText(empty, 'No import is queued or running.');
      } catch (error) {
        rethrowUnauthorized(error);
        errors.show(error);
      }
    },
  };
}
