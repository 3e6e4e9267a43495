// /api/v1/health/imports (CONTRACT §9), in the user group. The POST routes are generated from
// the format registry, one per format, each documenting its content types:
//   GET    /imports/formats        the registry
//   POST   /imports/{format}       the file as the raw body → 202 + Location (200: same key, same bytes)
//   GET    /imports                the user's imports, newest first
//   GET    /imports/{importId}     one import's state and progress
//   DELETE /imports/{importId}     cancels a queued or running import (what is written stays)
// The body is never parsed by Elysia (parse: 'none'): the import service streams it into storage.
import { t } from 'elysia';
import { ImportBody, ImportFormatListBody, ImportListBody } from '../../domain/imports/import-schema.ts';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import type { ImportFormat } from '../../imports/format.ts';
import type { ImportService } from '../../imports/import-service.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';

const tags = ['imports'];
const Params = t.Object({ importId: t.String() });
const Query = t.Object({ timeZone: t.Optional(t.String()) });
const location = (importId: string) => `/api/v1/health/imports/${importId}`;

const uploadResponses = {
  200: ImportBody,
  202: ImportBody,
  400: ProblemBody,
  401: ProblemBody,
  403: ProblemBody,
  404: ProblemBody,
  408: ProblemBody,
  413: ProblemBody,
  415: ProblemBody,
  422: ProblemBody,
  503: ProblemBody,
};

export function importsRoute(app: UserApi, imports: ImportService, formats: readonly ImportFormat[]): void {
  const upload = async (formatName: string, request: Request, userId: string, timeZone: string | undefined, set: { status?: number | string; headers: Record<string, string | number> }) => {
    const declared = request.headers.get('content-length');
    const { created, body } = await imports.upload({
      userId,
      formatName,
      body: request.body,
      declaredLength: declared === null || !/^\d+$/.test(declared.trim()) ? null : Number(declared),
      contentEncoding: request.headers.get('content-encoding'),
      idempotencyKey: request.headers.get('idempotency-key'),
      timeZone: timeZone ?? null,
    });
    set.status = created ? 202 : 200;
    set.headers.location = location(body.importId);
    return body;
  };

  app.get('/api/v1/health/imports/formats', () => imports.formats(), {
    response: { 200: ImportFormatListBody, 401: ProblemBody },
    detail: { summary: 'The import formats this server reads', tags, security: USER_SECURITY },
  });

  for (const format of formats) {
    app.post(`/api/v1/health/imports/${format.name}`, ({ request, userId, query, set }) => upload(format.name, request, userId, query.timeZone, set), {
      parse: 'none',
      query: Query,
      response: uploadResponses,
      detail: {
        summary: `Import a file: ${format.name}`,
        description:
          `${format.description} The file is the raw request body (Content-Encoding gzip, deflate, zstd or br accepted), ` +
          'optional Idempotency-Key header (UUID), optional query timeZone (IANA). Processing is asynchronous: poll the Location.',
        tags,
        security: USER_SECURITY,
        requestBody: {
          required: true,
          content: Object.fromEntries(format.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
        },
      },
    });
  }

  app
    .post(
      '/api/v1/health/imports/:format',
      ({ params }) => {
        throw new ProblemError('NOT_FOUND', `no import format is named "${params.format}" (GET /api/v1/health/imports/formats)`);
      },
      { parse: 'none', params: t.Object({ format: t.String() }), detail: { hide: true } },
    )
    .get('/api/v1/health/imports', async ({ userId }) => ({ items: await imports.list(userId) }), {
      response: { 200: ImportListBody, 401: ProblemBody },
      detail: { summary: "The user's imports, newest first (the latest 100)", tags, security: USER_SECURITY },
    })
    .get('/api/v1/health/imports/:importId', ({ userId, params }) => imports.get(userId, params.importId), {
      params: Params,
      response: { 200: ImportBody, 401: ProblemBody, 404: ProblemBody },
      detail: { summary: "An import's state and progress", tags, security: USER_SECURITY },
    })
    .delete('/api/v1/health/imports/:importId', ({ userId, params }) => imports.cancel(userId, params.importId), {
      params: Params,
      response: { 200: ImportBody, 401: ProblemBody, 404: ProblemBody },
      detail: {
        summary: 'Cancel a queued or running import (what it wrote stays); a finished one is answered as it is',
        tags,
        security: USER_SECURITY,
      },
    });
}
