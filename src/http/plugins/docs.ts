// OpenAPI at /docs (a browsable page) and /docs/json, generated from the route schemas; off when
// ENABLE_DOCS=false (the default in production). Routes that read their body by hand document it
// in their `detail` instead of a body schema, so Elysia neither validates nor normalizes it.
import { openapi } from '@elysiajs/openapi';

export function docsPlugin(enabled: boolean, version: string) {
  return openapi({
    enabled,
    path: '/docs',
    specPath: '/docs/json',
    documentation: {
      info: {
        title: 'health-ingest',
        version,
        description: 'Ingestion API for health samples pushed by mobile apps (HealthKit, Health Connect).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          adminApiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
  });
}
