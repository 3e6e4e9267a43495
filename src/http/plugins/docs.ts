// OpenAPI at /docs (a browsable page) and /docs/json, generated from the route schemas; off when
// ENABLE_DOCS=false (the default in production). Routes that read their body by hand document it
// in their `detail` instead of a body schema, so Elysia neither validates nor normalizes it.
// The page is Swagger UI served from this service (swagger-ui-dist, /docs/assets/…): no CDN, so
// it works offline and behind egress rules, and the script is the one pinned in bun.lock.
import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { ProblemError } from '../../domain/problems.ts';
import { completeOpenApiDocument } from '../openapi-document.ts';
import { OPENAPI_TAGS } from '../openapi-tags.ts';

const ASSETS_PATH = '/docs/assets';
const SPEC_PATH = '/docs/json';
const SWAGGER_UI = new URL('../../../node_modules/swagger-ui-dist/', import.meta.url);
/** the files the page loads, each with its type */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

function docsAssets() {
  return new Elysia({ name: 'docs-assets' }).get(
    `${ASSETS_PATH}/:file`,
    ({ params }) => {
      const type = ASSETS[params.file];
      if (type === undefined) throw new ProblemError('NOT_FOUND', 'no such file');
      return new Response(Bun.file(new URL(params.file, SWAGGER_UI)), {
        headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
      });
    },
    { detail: { hide: true } },
  );
}

export function docsPlugin(enabled: boolean, version: string) {
  const spec = openapi({
    enabled,
    path: '/docs',
    specPath: SPEC_PATH,
    provider: 'swagger-ui',
    swagger: { cdn: `${ASSETS_PATH}/swagger-ui-bundle.js`, theme: `${ASSETS_PATH}/swagger-ui.css` } as never,
    documentation: {
      info: {
        title: 'health-ingest',
        version,
        description: 'Ingestion API for health samples pushed by mobile apps (HealthKit, Health Connect).',
      },
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          adminApiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
  });
  if (!enabled) return spec;
  // the generated document, completed once per set of routes (openapi-document.ts)
  let completed: { from: unknown; document: unknown } | undefined;
  return new Elysia({ name: 'docs' })
    .onAfterHandle({ as: 'global' }, ({ path, response }) => {
      if (path !== SPEC_PATH) return;
      if (completed === undefined || completed.from !== response) completed = { from: response, document: completeOpenApiDocument(response) };
      return completed.document;
    })
    .use(spec)
    .use(docsAssets());
}
