// The benches' export generator: deterministic, what it says it wrote is what a reader finds, and
// its streamed zip (data descriptors) is a zip another implementation reads from its central directory.
import { afterAll, describe, expect, test } from 'bun:test';
import { unzipSync } from 'fflate';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeExportXml, writeExportZip } from '../../../bench/lib/apple-health-export.ts';
import { appleHealthFormat } from '../../../src/imports/formats/apple-health/index.ts';
import { readAll } from '../../support/import-files.ts';

const directory = mkdtempSync(path.join(os.tmpdir(), 'export-generator-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const shape = { records: 1000, seed: 7 };

describe('the generated Health export', () => {
  test('the same seed writes the same bytes; another seed other bytes', async () => {
    const [a, b, c] = ['a.xml', 'b.xml', 'c.xml'].map((name) => path.join(directory, name));
    await writeExportXml(a!, shape);
    await writeExportXml(b!, shape);
    await writeExportXml(c!, { ...shape, seed: 8 });
    expect(readFileSync(a!).equals(readFileSync(b!))).toBe(true);
    expect(readFileSync(a!).equals(readFileSync(c!))).toBe(false);
  });

  test('the reader finds exactly the elements the generator counted, with no record it cannot read', async () => {
    const file = path.join(directory, 'counted.xml');
    const { counts } = await writeExportXml(file, shape);
    const { items, failure } = await readAll(appleHealthFormat, new Uint8Array(readFileSync(file)));
    expect(failure).toBeUndefined();
    const found: Record<string, number> = {};
    for (const item of items) {
      const key = item.kind === 'sample' ? (item.sample.metricCode === 'HKWorkoutTypeIdentifier' ? 'Workout' : `Record:${item.sample.metricCode}`) : item.kind === 'skipped' ? item.type : `error:${item.message}`;
      found[key] = (found[key] ?? 0) + 1;
    }
    expect(found).toEqual(counts);
    expect(Object.keys(counts).filter((key) => key.startsWith('Record:')).length).toBeGreaterThanOrEqual(12);
  });

  test('the zip holds the Health app layout and fflate reads the same export.xml from its central directory', async () => {
    const xmlFile = path.join(directory, 'export.xml');
    const zipFile = path.join(directory, 'export.zip');
    await writeExportXml(xmlFile, shape);
    await writeExportZip(zipFile, shape);
    const entries = unzipSync(new Uint8Array(readFileSync(zipFile)));
    expect(Object.keys(entries)).toContain('apple_health_export/export_cda.xml');
    expect(Buffer.from(entries['apple_health_export/export.xml']!).equals(readFileSync(xmlFile))).toBe(true);
  });
});
