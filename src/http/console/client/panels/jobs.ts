// The built-in jobs with their schedule, last run and next tick, and run-now, from GET /admin/jobs
// and POST /admin/jobs/{name}/run.
import type { JobListBodyT, JobRunBodyT } from '../../../../domain/operations/operations-schema.ts';
import { ApiError, type Api } from '../api.ts';
import { h, panelBody, replaceChildren, setText, syncKeyed } from '../dom.ts';
import { formatCount, formatDuration, formatRelative, formatTime } from '../format.ts';
import { errorLine, reportUnauthorized, rethrowUnauthorized, type Panel } from './panel.ts';

type Job = JobListBodyT['jobs'][number];

const seconds = (run: JobRunBodyT) => (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;

export function jobsPanel(): Panel {
  const body = panelBody('jobs');
  const errors = errorLine(body);
  const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
  const rows = h('tbody');
  body.append(
    message,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'jobs' },
        h('caption', {}, 'Each tick runs on one replica (the others record it skipped); schedules are UTC'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Job'),
            h('th', { scope: 'col' }, 'Schedule'),
            h('th', { scope: 'col' }, 'Last run'),
            h('th', { scope: 'col', class: 'num' }, 'Rows'),
            h('th', { scope: 'col', class: 'num' }, 'Took'),
            h('th', { scope: 'col' }, 'Next run'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')),
          ),
        ),
        rows,
      ),
    ),
  );

  let api: Api | null = null;
  let refreshSelf: () => Promise<void> = async () => {};

  async function runNow(name: string, button: HTMLButtonElement) {
    if (!api) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    message.className = 'message';
    message.textContent = `Running ${name}…`;
    try {
      const run = await api.post<JobRunBodyT>(`/admin/jobs/${encodeURIComponent(name)}/run`);
      message.className = run.status === 'failed' ? 'message error' : 'message ok';
      message.textContent =
        run.status === 'succeeded'
          ? `${name} succeeded: ${formatCount(run.affectedRows)} rows in ${formatDuration(seconds(run))}.`
          : run.status === 'skipped'
            ? `${name} was skipped: another replica holds its lock.`
            : `${name} failed: ${run.error ?? 'no reason given'}.`;
      await refreshSelf();
    } catch (error) {
      if (reportUnauthorized(error)) return;
      message.className = 'message error';
      message.textContent = `${name} could not be run: ${error instanceof ApiError ? error.detail : String(error)}`;
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  const create = (job: Job) => {
    const button = h('button', { type: 'button', class: 'secondary small', 'data-action': 'run-now', 'aria-label': `Run ${job.name} now` }, 'Run now');
    button.addEventListener('click', () => void runNow(job.name, button));
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('code', {}, job.name)),
      h('td', {}),
      h('td', { class: 'last-run' }),
      h('td', { class: 'num' }),
      h('td', { class: 'num' }),
      h('td', {}),
      h('td', {}, button),
    );
  };
  const update = (row: HTMLTableRowElement, job: Job) => {
    const [, schedule, lastRun, rowsCell, took, next] = Array.from(row.cells);
    setText(schedule!, job.description);
    schedule!.title = job.schedule;
    const run = job.lastRun;
    if (run) {
      const badge = h('span', { class: `badge ${run.status}` }, run.status);
      const when = h('span', {}, ` ${formatRelative(run.finishedAt)}`);
      replaceChildren(lastRun!, badge, when, run.error ? h('div', { class: 'error-text' }, run.error) : null);
      lastRun!.title = formatTime(run.finishedAt);
      setText(rowsCell!, formatCount(run.affectedRows));
      setText(took!, formatDuration(seconds(run)));
    } else {
      replaceChildren(lastRun!, h('span', { class: 'badge never' }, 'never run'));
      setText(rowsCell!, '—');
      setText(took!, '—');
    }
    setText(next!, job.nextRunAt ? formatRelative(job.nextRunAt) : '—');
    if (job.nextRunAt) next!.title = formatTime(job.nextRunAt);
  };

  return {
    async refresh(client) {
      api = client;
      refreshSelf = () => this.refresh(client);
      try {
        const { jobs } = await client.get<JobListBodyT>('/admin/jobs');
        errors.clear();
        syncKeyed(rows, jobs, (job) => job.name, create, update);
      } catch (error) {
        rethrowUnauthorized(error);
        errors.show(error);
      }
    },
  };
}
