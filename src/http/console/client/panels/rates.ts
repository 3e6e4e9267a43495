// Ingest rates: accepted samples, failed samples (by code), uploads shed, requests rate-limited,
// each a chart of the last 15 minutes in per-second rates, from GET /admin/ingest/rates.
import type { IngestRatesBodyT } from '../../../../domain/operations/console-schema.ts';
import type { Api } from '../api.ts';
import { createChartSvg, drawSeries } from '../charts.ts';
import { h, panelBody, replaceChildren, setText } from '../dom.ts';
import { formatCount, formatRate } from '../format.ts';
import { errorLine, rethrowUnauthorized, type Panel } from './panel.ts';

type SeriesName = 'accepted' | 'failed' | 'shed' | 'rateLimited';

const CHARTS: { name: SeriesName; title: string; className: string; what: string }[] = [
  { name: 'accepted', title: 'Samples accepted', className: 'accepted', what: 'samples accepted' },
  { name: 'failed', title: 'Samples failed', className: 'failed', what: 'samples failed' },
  { name: 'shed', title: 'Uploads shed', className: 'shed', what: 'uploads shed (503 SERVER_BUSY)' },
  { name: 'rateLimited', title: 'Rate-limited', className: 'rate-limited', what: 'requests rate-limited (429)' },
];
const TOP_CODES = 5;

export function ratesPanel(): Panel {
  const body = panelBody('rates');
  const errors = errorLine(body);
  const grid = h('div', { class: 'charts' });
  body.append(grid);
  const charts = CHARTS.map((chart) => {
    const now = h('span', { class: 'chart-now' });
    const sub = h('p', { class: 'chart-sub' });
    const svg = createChartSvg(chart.title);
    const codes = chart.name === 'failed' ? h('ul', { class: 'codes', 'aria-label': 'failures by code, last 15 minutes' }) : null;
    const figure = h(
      'figure',
      { class: `chart ${chart.className}`, 'data-series': chart.name },
      h('figcaption', {}, h('span', { class: 'chart-title' }, chart.title), now),
      sub,
      svg,
      h('div', { class: 'chart-axis', 'aria-hidden': 'true' }, h('span', {}, '−15 min'), h('span', {}, 'now')),
      codes,
    );
    grid.append(figure);
    return { ...chart, now, sub, svg, codes };
  });

  return {
    async refresh(api) {
      let rates: IngestRatesBodyT;
      try {
        rates = await api.get<IngestRatesBodyT>('/admin/ingest/rates');
      } catch (error) {
        rethrowUnauthorized(error);
        errors.show(error);
        return;
      }
      errors.clear();
      const perSecond = (counts: number[]) => counts.map((count) => count / rates.bucketSeconds);
      for (const chart of charts) {
        const values = perSecond(rates[chart.name]);
        const latest = values.at(-1) ?? 0;
        const peak = Math.max(0, ...values);
        const total = rates.totals[chart.name];
        setText(chart.now, formatRate(latest));
        setText(chart.sub, `peak ${formatRate(peak)} · ${formatCount(total)} in 15 min`);
        drawSeries(
          chart.svg,
          values,
          `${chart.what} per second over the last 15 minutes: now ${formatRate(latest)}, peak ${formatRate(peak)}, ${formatCount(total)} in all`,
        );
        if (chart.codes) {
          const byCode = Object.entries(rates.failedByCode)
            .map(([code, counts]) => [code, counts.reduce((a, b) => a + b, 0)] as const)
            .sort((a, b) => b[1] - a[1])
            .slice(0, TOP_CODES);
          replaceChildren(
            chart.codes,
            ...(byCode.length === 0
              ? [h('li', {}, h('span', {}, 'no failures'))]
              : byCode.map(([code, count]) => h('li', {}, h('code', {}, code), h('span', {}, formatCount(count))))),
          );
        }
      }
    },
  };
}
