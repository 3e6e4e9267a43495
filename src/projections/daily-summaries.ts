// The daily summaries projection (read model of GET /api/v1/health/daily-summaries). For the
// (metric, local date) cells named by a user's `health.samples.changed` events, it re-reads the
// live samples of those cells and rewrites their rows (domain/daily-summary.ts has the math).
// The metric's kind decides how (summaryStyleOf): value metrics from per-source aggregates
// computed by PostgreSQL; metrics summarized in seconds (categories, workouts) from the samples
// that may reach the cell (look-back CATEGORY_LOOKBACK_DAYS), split at local midnight.
import type { Tx } from '../db/client.ts';
import { resolveMetric } from '../domain/catalog/catalog.ts';
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import { SAMPLES_CHANGED } from '../domain/ingest/change-event.ts';
import {
  CATEGORY_LOOKBACK_DAYS,
  cellKey,
  cellsOfEvents,
  summarizeCategories,
  summarizeNumeric,
  summaryStyleOf,
} from '../domain/summaries/daily-summary.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';
import type { Projection } from './coordinator.ts';
import { aggregateNumericCells, listCategorySamples, replaceDailySummaries } from './queries.ts';

export const DAILY_SUMMARIES = 'daily_summaries';

export function dailySummariesProjection(catalog: MetricCatalog): Projection {
  // a code the catalog no longer knows is summarized by its values (what the table can hold)
  const inSeconds = (metricCode: string) => {
    const metric = resolveMetric(catalog, metricCode);
    return metric !== undefined && summaryStyleOf(metric) === 'seconds';
  };
  const unitOf = (metricCode: string) => resolveMetric(catalog, metricCode)?.canonicalUnit ?? null;
  return {
    name: DAILY_SUMMARIES,
    eventTypes: [SAMPLES_CHANGED],
    async apply(tx: Tx, userId: string, events: readonly OutboxEvent[]) {
      const cells = cellsOfEvents(events.map((event) => event.payload));
      if (cells.length === 0) return;
      const categoryCells = cells.filter((cell) => inSeconds(cell.metricCode));
      const numericCells = cells.filter((cell) => !inSeconds(cell.metricCode));
      // both reads go out at once on the transaction's connection (pipelined)
      const [partials, categorySamples] = await Promise.all([
        numericCells.length > 0 ? aggregateNumericCells(tx, userId, numericCells) : [],
        categoryCells.length > 0 ? listCategorySamples(tx, userId, categoryCells, CATEGORY_LOOKBACK_DAYS) : [],
      ]);
      const summaries = [
        ...summarizeNumeric(partials, unitOf),
        ...summarizeCategories(categorySamples, new Set(categoryCells.map((c) => cellKey(c.metricCode, c.localDate)))),
      ];
      await replaceDailySummaries(tx, userId, cells, summaries);
    },
  };
}
