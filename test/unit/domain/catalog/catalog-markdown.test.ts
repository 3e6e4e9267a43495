// The committed table (src/domain/catalog/metric-catalog.md, linked from the README) is what
// `bun run cli catalog --markdown` prints today: regenerate it when the YAML changes.
import { describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';
import { catalogToMarkdown } from '../../../../src/domain/catalog/catalog-markdown.ts';

const committed = await Bun.file(new URL('../../../../src/domain/catalog/metric-catalog.md', import.meta.url)).text();
const markdown = catalogToMarkdown(defaultCatalog);

describe('the committed catalog table', () => {
  test('is up to date (regenerate: bun run --silent cli catalog --markdown > src/domain/catalog/metric-catalog.md)', () => {
    expect(committed === markdown).toBe(true);
  });

  test('has a row per metric and one per category value', () => {
    for (const metric of defaultCatalog.metrics) expect(markdown).toContain(`| \`${metric.code}\` | ${metric.kind}`);
    expect(markdown).toContain('`HKCategoryValueSleepAnalysisAsleepCore` = 3');
    expect(markdown).toContain('`STAGE_TYPE_DEEP` = 5');
    expect(markdown).toContain('HealthKit `%` (×100)');
  });
});
