import { describe, expect, test } from 'bun:test';
import { createMetrics } from '../../src/metrics.ts';

const valueOf = (exposition: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(exposition)?.[1]);

describe('metrics of the console (CONTRACT §8)', () => {
  test('every 429 answer is counted as rate-limited, whichever route answered it', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeHttp('POST', '/api/v1/health/samples/batch-upsert', 429, 0.001);
    metrics.observeHttp('GET', '/api/v1/health/samples', 429, 0.001);
    metrics.observeHttp('GET', '/api/v1/health/samples', 200, 0.001);
    expect(valueOf((await metrics.scrape()).body, 'health_ingest_rate_limited_total')).toBe(2);
  });

  test('an upload shed is counted', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeShed();
    expect(valueOf((await metrics.scrape()).body, 'health_ingest_uploads_shed_total')).toBe(1);
  });

  test('a scrape source that fails reads as unknown (NaN; prom-client writes Nan, which Prometheus parses), never as 0, and the scrape goes on', async () => {
    const down = () => Promise.reject(new Error('down'));
    const metrics = createMetrics({ processMetrics: false, sources: { outboxDead: down, outboxBacklog: down } });
    const { body } = await metrics.scrape();
    expect(body).toMatch(/^health_ingest_outbox_dead_events nan$/im);
    expect(body).toMatch(/^health_ingest_outbox_pending_events nan$/im);
    expect(body).toMatch(/^health_ingest_outbox_lag_seconds nan$/im);
    expect(body).toContain('health_ingest_uploads_shed_total');
  });
});
