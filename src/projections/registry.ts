// Every read model built from the outbox. A new projection is added here (and gets its own
// checkpoints per user from the coordinator); the processor feeds all of them.
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import type { Projection } from './coordinator.ts';
import { dailySummariesProjection } from './daily-summaries.ts';

export function registeredProjections(catalog: MetricCatalog): Projection[] {
  return [dailySummariesProjection(catalog)];
}
