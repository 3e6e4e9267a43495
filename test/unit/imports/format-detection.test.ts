import { describe, expect, test } from 'bun:test';
import { zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { DETECT_BYTES } from '../../../src/imports/format.ts';
import { appleHealthFormat } from '../../../src/imports/formats/apple-health/index.ts';
import { csvFormat } from '../../../src/imports/formats/csv/index.ts';
import { encoder, healthAppZip } from '../../support/import-files.ts';
import { realExportFiles } from '../../support/realdata.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const CSV = encoder.encode('sourceId,sourceRecordId,metricCode,valueKind,value,unit,startAt\nw,1,steps,CUMULATIVE_NUM,5,count,2026-11-20T07:15:00Z\n');
const first = (bytes: Uint8Array) => bytes.subarray(0, DETECT_BYTES);

describe('detecting a format from the first bytes', () => {
  test.each(realExportFiles())('%s is apple-health, not csv', (file) => {
    const bytes = first(new Uint8Array(readFileSync(file)));
    expect(appleHealthFormat.detect(bytes)).toBe(true);
    expect(csvFormat.detect(bytes)).toBe(false);
  });

  test('a zip (the local header magic) is apple-health', () => {
    expect(appleHealthFormat.detect(first(healthAppZip(encoder.encode('<HealthData/>'))))).toBe(true);
    expect(appleHealthFormat.detect(first(zipSync({ 'a.txt': encoder.encode('a') })))).toBe(true);
  });

  test('a bare <HealthData> with a BOM, and one behind a comment, are apple-health; other XML is not', () => {
    expect(appleHealthFormat.detect(encoder.encode('\uFEFF<HealthData locale="en_US">'))).toBe(true);
    expect(appleHealthFormat.detect(encoder.encode('<?xml version="1.0"?>\n<!-- x -->\n<HealthData>'))).toBe(true);
    expect(appleHealthFormat.detect(encoder.encode('<?xml version="1.0"?>\n<gpx version="1.1">'))).toBe(false);
  });

  test('a CSV with the required columns is csv, not apple-health; without them it is neither', () => {
    expect(csvFormat.detect(CSV)).toBe(true);
    expect(appleHealthFormat.detect(CSV)).toBe(false);
    expect(csvFormat.detect(encoder.encode('\uFEFF"sourceId","sourceRecordId","metricCode","startAt"\r\n'))).toBe(true);
    expect(csvFormat.detect(encoder.encode('name,value\nx,1\n'))).toBe(false);
  });

  test('a PNG is neither', () => {
    expect(appleHealthFormat.detect(PNG)).toBe(false);
    expect(csvFormat.detect(PNG)).toBe(false);
  });

  test('empty bytes are neither', () => {
    expect(appleHealthFormat.detect(new Uint8Array(0))).toBe(false);
    expect(csvFormat.detect(new Uint8Array(0))).toBe(false);
  });
});
