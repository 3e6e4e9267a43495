import { describe, expect, test } from 'bun:test';
import { csvFormat } from '../../../../../src/imports/formats/csv/index.ts';
import type { SampleItem } from '../../../../../src/imports/format.ts';
import { encoder, readAll } from '../../../../support/import-files.ts';

const HEADER = 'sourceId,sourceRecordId,metricCode,valueKind,value,unit,categoryCode,startAt,endAt,timezoneOffsetMinutes,metadata';
const read = (text: string, chunkSize = 64 * 1024, timeZone?: string) =>
  readAll(csvFormat, encoder.encode(text), chunkSize, timeZone === undefined ? {} : { timeZone });
const samplesOf = (items: Awaited<ReturnType<typeof read>>['items']) =>
  items.filter((item): item is SampleItem => item.kind === 'sample').map((item) => item.sample);

describe('the csv import format', () => {
  test('a header and one sample per line, by column name, numbers as numbers and metadata as JSON', async () => {
    const text = `${HEADER}\nwatch,r1,heart_rate,SCALAR_NUM,72,count/min,,2026-11-20T07:15:00Z,,60,"{""deviceModel"":""Watch7,1""}"\n`;
    const { items, failure } = await read(text);
    expect(failure).toBeUndefined();
    expect(items).toEqual([
      {
        kind: 'sample',
        record: 1,
        line: 2,
        sample: {
          sourceId: 'watch',
          sourceRecordId: 'r1',
          metricCode: 'heart_rate',
          valueKind: 'SCALAR_NUM',
          value: 72,
          unit: 'count/min',
          startAt: '2026-11-20T07:15:00Z',
          timezoneOffsetMinutes: 60,
          metadata: { deviceModel: 'Watch7,1' },
        },
      },
    ]);
  });

  test('columns may come in any order, unknown ones are ignored, valueKind defaults to the catalog', async () => {
    const text = 'startAt,comment,metricCode,sourceRecordId,sourceId,categoryCode\n2026-11-20T23:00:00+01:00,nice night,sleep_stage,s1,phone,deep\n';
    const [sample] = samplesOf((await read(text)).items);
    expect(sample).toEqual({ sourceId: 'phone', sourceRecordId: 's1', metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: 'deep', startAt: '2026-11-20T23:00:00+01:00' });
  });

  test('quoted fields hold commas, doubled quotes and line breaks; the next record knows its line', async () => {
    const text = `${HEADER}\r\n"pho\r\nne","a,b",steps,,10,count,,2026-11-20T07:15:00Z,,,"{""note"":""line one\\nline two"",""q"":""say \\""hi\\""""}"\r\nw,c,steps,,11,count,,2026-11-20T07:16:00Z,,,\r\n`;
    const { items } = await read(text);
    expect(items.map((item) => [item.record, item.line])).toEqual([[1, 2], [2, 4]]);
    const [first] = samplesOf(items);
    expect(first!.sourceId).toBe('pho\r\nne');
    expect(first!.sourceRecordId).toBe('a,b');
    expect(first!.metadata).toEqual({ note: 'line one\nline two', q: 'say "hi"' });
  });

  test('a bad line fails alone with its line number; the lines after it are read', async () => {
    const text = [
      HEADER,
      'w,1,steps,,10,count,,2026-11-20T07:15:00Z,,,',
      'w,2,steps,,ten,count,,2026-11-20T07:16:00Z,,,',
      'w,3,steps,,10,count',
      'w,4,steps,,10,count,,2026-11-20T07:17:00Z,,,{not json}',
      'w,5,steps,ODD,10,count,,2026-11-20T07:18:00Z,,,',
      'w,"6"x,steps,,10,count,,2026-11-20T07:19:00Z,,,',
      'w,7,steps,,10,count,,2026-11-20T07:20:00Z,,,[1]',
      'w,8,steps,,10,count,,2026-11-20T07:21:00Z,,,',
      '',
    ].join('\n');
    const { items, failure } = await read(text);
    expect(failure).toBeUndefined();
    expect(items.map((item) => [item.line, item.kind, item.kind === 'error' ? item.code : ''])).toEqual([
      [2, 'sample', ''],
      [3, 'error', 'INVALID_FIELD'],
      [4, 'error', 'MALFORMED_LINE'],
      [5, 'error', 'INVALID_FIELD'],
      [6, 'error', 'INVALID_FIELD'],
      [7, 'error', 'MALFORMED_LINE'],
      [8, 'error', 'INVALID_FIELD'],
      [9, 'sample', ''],
    ]);
    expect(items[1]).toMatchObject({ message: 'value "ten" is not a number' });
    expect(items[2]).toMatchObject({ message: 'the line has 6 fields, the header 11' });
  });

  test('a BOM, CRLF and a last line without a break are fine; blank lines are skipped', async () => {
    const text = `\uFEFF${HEADER}\r\n\r\nw,1,steps,,10,count,,2026-11-20T07:15:00Z,,,\r\nw,2,steps,,10,count,,2026-11-20T07:16:00Z,,,`;
    const { items } = await read(text);
    expect(items.map((item) => [item.kind, item.line])).toEqual([['sample', 3], ['sample', 4]]);
  });

  test('any chunking gives the same items, even inside multi-byte characters and quoted line breaks', async () => {
    const text = `${HEADER}\r\nwätch→📱,"x\r\n""y""",steps,,10,count,,2026-11-20T07:15:00Z,,,"{""a"":""é""}"\r\nw,2,steps,,10,count,,2026-11-20T07:16:00Z,,,\r\n`;
    const whole = await read(text);
    for (const size of [1, 2, 3, 7]) expect((await read(text, size)).items).toEqual(whole.items);
    expect(samplesOf(whole.items)[0]!.sourceId).toBe('wätch→📱');
  });

  test('a quoted field that never ends fails that record alone', async () => {
    const { items, failure } = await read(`${HEADER}\nw,1,steps,,10,count,,2026-11-20T07:15:00Z,,,\nw,"2,steps\n`);
    expect(failure).toBeUndefined();
    expect(items.map((item) => item.kind)).toEqual(['sample', 'error']);
    expect(items[1]).toMatchObject({ line: 3, code: 'MALFORMED_LINE', message: 'a quoted field that never ends' });
  });

  test("the caller's zone goes to rows that give neither an offset nor a zone", async () => {
    const text = `${HEADER}\nw,1,steps,,1,count,,2026-11-20T07:15:00Z,,60,\nw,2,steps,,1,count,,2026-11-20T07:15:00Z,,,"{""timeZone"":""Asia/Tokyo""}"\nw,3,steps,,1,count,,2026-11-20T07:15:00Z,,,\n`;
    const samples = samplesOf((await read(text, 64 * 1024, 'Europe/Berlin')).items);
    expect(samples.map((sample) => [sample.timezoneOffsetMinutes, sample.metadata?.timeZone])).toEqual([
      [60, undefined],
      [undefined, 'Asia/Tokyo'],
      [undefined, 'Europe/Berlin'],
    ]);
  });

  test('a header without the required columns fails NOT_AN_EXPORT; bytes that are not UTF-8 MALFORMED_FILE', async () => {
    expect((await read('name,value\nx,1\n')).failure?.code).toBe('NOT_AN_EXPORT');
    expect((await read('')).failure?.code).toBe('NOT_AN_EXPORT');
    const latin1 = new Uint8Array([...encoder.encode(`${HEADER}\nw,`), 0xe9, ...encoder.encode(',steps,,1,count,,2026-11-20T07:15:00Z,,,\n')]);
    expect((await readAll(csvFormat, latin1)).failure?.code).toBe('MALFORMED_FILE');
  });
});
