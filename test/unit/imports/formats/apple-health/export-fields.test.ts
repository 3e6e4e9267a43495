import { describe, expect, test } from 'bun:test';
import { parseDevice } from '../../../../../src/imports/formats/apple-health/device.ts';
import { exportInstant, parseExportDate } from '../../../../../src/imports/formats/apple-health/export-dates.ts';

describe('export dates', () => {
  test.each([
    ['2019-06-15 08:13:44 -0400', '2019-06-15T08:13:44-04:00', -240, '2019-06-15T12:13:44.000Z'],
    ['2024-01-01 01:01:36 +0200', '2024-01-01T01:01:36+02:00', 120, '2023-12-31T23:01:36.000Z'],
    ['20120923222959+0100', '2012-09-23T22:29:59+01:00', 60, '2012-09-23T21:29:59.000Z'],
    ['2016-11-14 07:25:41 +0530', '2016-11-14T07:25:41+05:30', 330, '2016-11-14T01:55:41.000Z'],
    ['2024-02-29 00:00:00 +0000', '2024-02-29T00:00:00+00:00', 0, '2024-02-29T00:00:00.000Z'],
    ['2026-11-20T07:15:00Z', '2026-11-20T07:15:00Z', 0, '2026-11-20T07:15:00.000Z'],
  ])('%s is %s at offset %d', (text, rfc3339, offset, iso) => {
    expect(parseExportDate(text)).toEqual({ rfc3339, offsetMinutes: offset, epochMs: Date.parse(iso) });
    expect(exportInstant(text)).toBe(Date.parse(iso));
  });

  test.each(['2019-06-15', '2019-02-30 08:13:44 -0400', '2019-06-15 24:00:00 -0400', '2019-06-15 08:13:44 0400', '2012092322295a+0100', 'yesterday', ''])(
    '%s is no date',
    (text) => {
      expect(parseExportDate(text)).toBeUndefined();
      expect(exportInstant(text)).toBeUndefined();
    },
  );
});

describe('HKDevice descriptions', () => {
  test('the fields of a watch, the hardware (with its comma) as the model', () => {
    expect(parseDevice('<<HKDevice: 0x282a45810>, name:Apple Watch, manufacturer:Apple, model:Watch, hardware:Watch2,4, software:4.3.1>')).toEqual({
      deviceModel: 'Watch2,4',
      deviceManufacturer: 'Apple',
      osVersion: '4.3.1',
      identity: 'name:Apple Watch, manufacturer:Apple, model:Watch, hardware:Watch2,4, software:4.3.1',
    });
  });

  test('the model stands in when there is no hardware; the address never reaches the identity', () => {
    const device = parseDevice('<<HKDevice: 0x1>, name:Scale, manufacturer:Withings, model:WBS06>');
    expect(device).toEqual({ deviceModel: 'WBS06', deviceManufacturer: 'Withings', identity: 'name:Scale, manufacturer:Withings, model:WBS06' });
    expect(parseDevice('<<HKDevice: 0x2>, name:Scale, manufacturer:Withings, model:WBS06>').identity).toBe(device.identity);
  });
});
