// GET /admin/jobs and POST /admin/jobs/{name}/run (CONTRACT §8), in the admin group. A run answers
// 200 with the run whatever its outcome (succeeded, failed, skipped); an unknown job is a 404.
import { t } from 'elysia';
import { JobListBody, JobRunBody } from '../../domain/operations/operations-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { listJobs } from '../../jobs/job-list.ts';
import type { JobRunner } from '../../jobs/runner.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';

export function adminJobsRoute(app: AdminApi, runner: JobRunner): void {
  app
    .get('/admin/jobs', () => listJobs(runner), {
      response: { 200: JobListBody },
      detail: { summary: 'Built-in jobs, their schedules (UTC) and last runs', tags: ['admin'], security: ADMIN_SECURITY },
    })
    .post(
      '/admin/jobs/:name/run',
      async ({ params }) => {
        const run = await runner.run(params.name, 'manual');
        if (!run) throw new ProblemError('NOT_FOUND', `no job named "${params.name}"`);
        return run;
      },
      {
        params: t.Object({ name: t.String() }),
        response: { 200: JobRunBody, 404: ProblemBody },
        detail: { summary: 'Run a job now (skipped when another replica holds its lock)', tags: ['admin'], security: ADMIN_SECURITY },
      },
    );
}
