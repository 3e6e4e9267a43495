// Generated and mutated HTTP requests for the fuzz runs (test/fuzz/http-fuzz.test.ts, short, in
// the normal suite; test/fuzz/long-fuzz.ts, `bun run test:fuzz`). Deterministic for a seed.
//
// Each case is a request plus what must hold of its answer beyond the global rules (never a 5xx,
// never a hang, problem+json with a code on every 4xx, X-Request-Id on every answer):
// - NUL or lone surrogates in a string, with a correct hash: a sample with one fails alone (207),
//   a delete ref with one → 400 VALIDATION_FAILED naming its path;
// - SQL-looking strings in ids and metadata of an otherwise valid batch → 200, stored verbatim;
// - garbage X-Timezone-Offset → 400 naming /headers/x-timezone-offset;
// - a giant X-Request-Id is not echoed;
// - a number no double can hold (1e309, a 400-digit integer) anywhere in a body → 400 naming its path;
// - date-times and dates PostgreSQL cannot store (year 0000, year 10000 in UTC, toISOString's
//   extended years) in queries, cursors and delete refs → 400 naming the parameter; in samples → no 5xx;
// - other spellings of a valid token (padding, unused low bits) → 401.
import { computePayloadHash } from '../../src/domain/ingest/payload-hash.ts';
import { seededRandom as random } from '../support/seeded-random.ts';

export interface FuzzCase {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** a violation message, or null when the answer is acceptable for this case */
  check?: (answer: { status: number; headers: Headers; text: string }) => string | null;
  /** rows this case must have stored verbatim (SQL-looking strings) */
  stored?: { sourceId: string; sourceRecordId: string; deviceModel: string }[];
}


const SQL_STRINGS = [
  "'; DROP TABLE health_samples; --",
  "' OR '1'='1",
  "Robert'); DELETE FROM health_ingest_requests WHERE ('1'='1",
  '$1::text',
  "E'\\\\x00'",
  '%_\\%',
  '"; SELECT pg_sleep(10); --',
  "1; UPDATE user_health_watermarks SET seq = 0; --",
  "$$ LANGUAGE plpgsql $$",
  '/* */ UNION SELECT * FROM pg_user --',
];
const WEIRD_STRINGS = ['', ' ', 'é😀', '\ufffd', '\ufeff', '\u202e', 'a'.repeat(300), '\\', '"', '../../etc/passwd', '<script>', '\r\n'];
const HUGE_NUMBER_TEXTS = ['1e308', '-1e308', '1e400', '-1e400', '18446744073709551616', '1e-400', '0.0000000000000000000001', '-0', '123456789012345678901234567890'];
// header values must be ByteStrings for fetch; the non-ASCII ones are sent raw by long-fuzz's socket cases
const TZ_GARBAGE = ['abc', '60.5', '1e3', '-721', '841', '0x3c', ' 60x', '99999999999999999999', '+-60', '--60', '6 0', '60,60', 'NaN', 'Infinity', '-0.0', '+60', '1_0', '- 60'];
// numbers JSON allows but a double cannot hold (each parses to ±Infinity)
const OVERFLOW_NUMBERS = ['1e309', '-1e309', '2E+308', '1.8e308', '-9e999', '1' + '0'.repeat(400), '2' + '0'.repeat(307) + 'e1', '0.1e310'];
// instants at and past the edges of what PostgreSQL stores as the service sends it
const EDGE_INSTANTS = [
  '0000-01-01T00:00:00Z', '0000-12-31T23:59:59.999Z', '0001-01-01T00:00:00+01:00', '0001-01-01T05:00:00-12:00',
  '9999-12-31T23:59:59-00:01', '9999-12-31T23:00:00-14:00', '1899-12-31T23:59:59Z', '1900-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z',
];
const CURSOR_STARTS = ['+010000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '0000-06-01T05:00:00Z', '2026', 'Tue, 01 Dec 2026 08:00:00 GMT', '2026-11-20T07:15:00Z\u0000', '2026-13-01T00:00:00Z', '9999-12-31T23:00:00-05:00'];
const CONTENT_TYPES = ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/xml', '', '*/*', 'application/json, text/plain'];

export interface Generator {
  next(): FuzzCase;
}

export function fuzzCases(seed: number, token: string, options: { maxDepth?: number; bigBodies?: boolean } = {}): Generator {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const maxDepth = options.maxDepth ?? 10_000;
  const auth = { authorization: `Bearer ${token}` };
  const json = { 'content-type': 'application/json' };
  let counter = 0;
  const usedRequestIds: string[] = [];

  const sample = (): Record<string, unknown> => {
    counter += 1;
    const startAt = new Date(Date.UTC(2026, 9, 1) + int(30 * 24 * 60) * 60_000).toISOString();
    switch (int(4)) {
      case 0:
        return { sourceId: 'com.fuzz', sourceRecordId: `f-${seed}-${counter}`, metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: pick(['deep', 'rem', 'awake']), startAt, endAt: startAt, timezoneOffsetMinutes: 60 };
      case 1:
        return { sourceId: 'com.fuzz', sourceRecordId: `f-${seed}-${counter}`, metricCode: 'weight', valueKind: 'SCALAR_NUM', value: 50 + int(100), unit: pick(['kg', 'lb']), startAt };
      default:
        return { sourceId: 'com.fuzz', sourceRecordId: `f-${seed}-${counter}`, metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value: 40 + int(150), unit: 'count/min', startAt, metadata: { deviceModel: 'Watch7,1' } };
    }
  };

  const body = (samples: unknown[], deleted?: unknown[], requestId: string = crypto.randomUUID()) => {
    usedRequestIds.push(requestId);
    if (usedRequestIds.length > 200) usedRequestIds.shift();
    return { requestId, payloadHash: computePayloadHash(samples, deleted ?? []), samples, ...(deleted ? { deleted } : {}) };
  };
  const rehash = (b: Record<string, unknown>) => {
    try {
      b.payloadHash = computePayloadHash(Array.isArray(b.samples) ? b.samples : [], Array.isArray(b.deleted) ? b.deleted : []);
    } catch {
      // an unhashable mutation: the server must answer it anyway
    }
    return b;
  };
  const post = (category: string, text: string | Uint8Array, extra: Partial<FuzzCase> = {}, headers: Record<string, string> = {}): FuzzCase => ({
    category,
    method: 'POST',
    path: '/api/v1/health/samples/batch-upsert',
    headers: { ...auth, ...json, ...headers },
    body: text,
    ...extra,
  });

  /** A JSON-pointer path to a random string-valued field of a sample. */
  const STRING_FIELDS = ['sourceId', 'sourceRecordId', 'metricCode', 'unit'];

  const wrongTypes: unknown[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { a: 1 }, '72', 'NaN'];

  /** The body's 400 names `path` (a prefix of an error path). */
  const namesPath = (path: string) => (a: { status: number; text: string }) => {
    if (a.status !== 400) return `expected 400 naming ${path}, got ${a.status}: ${a.text.slice(0, 200)}`;
    const errors = (JSON.parse(a.text).errors ?? []) as { path: string }[];
    return errors.some((e) => e.path.startsWith(path)) ? null : `no error path ${path} in ${a.text.slice(0, 300)}`;
  };

  const cases: (() => FuzzCase)[] = [
    // a valid batch (control; also builds rows for the user)
    () => post('valid', JSON.stringify(body(Array.from({ length: 1 + int(5) }, sample))), {
      check: (a) => (a.status === 200 || a.status === 207 ? null : `valid batch answered ${a.status}: ${a.text.slice(0, 200)}`),
    }),
    // wrong types anywhere in a sample or the envelope, hash recomputed or not
    () => {
      const b: Record<string, any> = body([sample(), sample()]);
      const where = int(3);
      const value = pick(wrongTypes);
      if (where === 0) b[pick(['requestId', 'payloadHash', 'samples', 'deleted'])] = value;
      else b.samples[int(2)][pick(['sourceId', 'sourceRecordId', 'metricCode', 'valueKind', 'value', 'unit', 'startAt', 'endAt', 'timezoneOffsetMinutes', 'metadata', 'durationSeconds', 'sourceVersion', 'categoryCode'])] = value;
      if (next() < 0.7) rehash(b);
      return post('wrong-type', JSON.stringify(b));
    },
    // huge and odd numbers spliced in as text (1e400 parses to Infinity)
    () => {
      const b = body([sample()]);
      const field = pick(['value', 'timezoneOffsetMinutes', 'durationSeconds', 'sourceVersion']);
      const number = pick(HUGE_NUMBER_TEXTS);
      const s = b.samples[0] as Record<string, unknown>;
      s[field] = '__NUMBER__';
      rehash(b);
      return post('huge-number', JSON.stringify(b).replace('"__NUMBER__"', number));
    },
    // a number no double can hold, anywhere: envelope, sample field, metadata, unknown field,
    // delete ref → 400 naming where (never the 500 of a hash that cannot cover it)
    () => {
      const b: Record<string, any> = body([sample(), sample()], [{ sourceRecordId: `f-${seed}-1` }]);
      const where = pick(['envelope', 'value', 'metadata', 'unknown', 'deleted', 'nested']);
      let path: string;
      if (where === 'envelope') {
        b.clientClock = '__NUMBER__';
        path = '/clientClock';
      } else if (where === 'value') {
        b.samples[1].value = '__NUMBER__';
        path = '/samples/1/value';
      } else if (where === 'metadata') {
        b.samples[0].metadata = { deviceModel: 'Watch7,1', reading: '__NUMBER__' };
        path = '/samples/0/metadata/reading';
      } else if (where === 'unknown') {
        b.samples[0].hkRaw = ['x', '__NUMBER__'];
        path = '/samples/0/hkRaw/1';
      } else if (where === 'deleted') {
        b.deleted[0].weight = '__NUMBER__';
        path = '/deleted/0/weight';
      } else {
        b.samples[1].extra = { a: [{ b: '__NUMBER__' }] };
        path = '/samples/1/extra/a/0/b';
      }
      rehash(b);
      return post('overflow-number', JSON.stringify(b).replace('"__NUMBER__"', pick(OVERFLOW_NUMBERS)), { check: namesPath(path) });
    },
    // a delete ref startAt outside the years 1900..9999, or past 9999 in UTC → 400 (delete refs are envelope)
    () => {
      const startAt = pick(['0000-06-01T05:00:00Z', '1899-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '1850-01-01T00:00:00+01:00']);
      return post('delete-ref-year', JSON.stringify(body([sample()], [{ sourceRecordId: `f-${seed}-2` }, { sourceRecordId: `f-${seed}-3`, startAt }])), {
        check: namesPath('/deleted/1/startAt'),
      });
    },
    // samples at the edges of storable time: a 4xx or a per-sample failure, never a 5xx (global rule)
    () => {
      const s = sample();
      s.startAt = pick(EDGE_INSTANTS);
      if (next() < 0.5) s.endAt = pick(EDGE_INSTANTS);
      if (next() < 0.5) s.timezoneOffsetMinutes = pick([-720, 840, 0]);
      return post('edge-time-sample', JSON.stringify(body([sample(), s])));
    },
    // GET /samples from/to at the edges → 200, or 400 naming the parameter
    () => {
      const name = pick(['from', 'to']);
      const value = pick(EDGE_INSTANTS);
      const ms = Date.parse(value);
      const storable = value.startsWith('0000') || ms < Date.parse('0001-01-01T00:00:00Z') || ms > Date.parse('9999-12-31T23:59:59.999Z') ? false : true;
      return {
        category: 'edge-time-query',
        method: 'GET',
        path: `/api/v1/health/samples?${name}=${encodeURIComponent(value)}`,
        headers: auth,
        check: storable ? (a) => (a.status === 200 ? null : `storable ${name}=${value} answered ${a.status}`) : namesPath(`/query/${name}`),
      };
    },
    // GET /daily-summaries with dates at and past the edges → 200, or 400 naming the date
    () => {
      const [from, to, bad] = pick([
        ['0000-01-01', '0000-01-02', '/query/from'],
        ['0000-12-31', '0001-01-01', '/query/from'],
        ['9999-12-31', '9999-12-31', null],
        ['0001-01-01', '0001-01-01', null],
        ['9999-12-30', '10000-01-01', '/query/to'],
        ['-0001-01-01', '0001-01-01', '/query/from'],
      ] as const);
      return {
        category: 'edge-date-summary',
        method: 'GET',
        path: `/api/v1/health/daily-summaries?from=${from}&to=${to}`,
        headers: auth,
        check: bad === null ? (a) => (a.status === 200 ? null : `storable dates answered ${a.status}`) : namesPath(bad),
      };
    },
    // forged cursors: a start PostgreSQL refuses, NUL, wrong lengths → 400 naming the cursor
    () => {
      const start = pick(CURSOR_STARTS);
      const parts = [pick(['heart_rate', 'heart\u0000rate', '']), start, pick(['com.fuzz', 'a\u0000b', 'x'.repeat(200)]), pick(['r', '\ud800', 'r'.repeat(300)])];
      const cursor = Buffer.from(JSON.stringify(parts)).toString('base64url');
      return {
        category: 'forged-cursor',
        method: 'GET',
        path: `/api/v1/health/samples?cursor=${cursor}${next() < 0.5 ? '&metric=heart_rate' : ''}`,
        headers: auth,
        check: namesPath('/query/cursor'),
      };
    },
    // other spellings of the lane's valid token → 401
    () => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(token.at(-1)!);
      const spelling = pick([`${token}=`, `${token}==`, token.slice(0, -1) + alphabet[(last & ~3) + 1 + int(3)]!, token.replace('.', '=.')]);
      return {
        category: 'token-spelling',
        method: 'GET',
        path: '/api/v1/health/privacy-settings',
        headers: { authorization: `Bearer ${spelling}` },
        check: (a) => (a.status === 401 ? null : `a non-canonical token spelling answered ${a.status}`),
      };
    },
    // deep nesting in metadata or in an unknown field (hash recomputed when the client can)
    () => {
      const depth = pick([4, 50, 1000, maxDepth]);
      const s = sample();
      delete s.metadata;
      const leaf = pick(['1', '"\\u0041"', '{}']);
      const nested =
        next() < 0.5
          ? `{"deviceModel":${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}}`
          : `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
      const text = JSON.stringify(s).slice(0, -1) + `,"${pick(['metadata', 'extra'])}":${nested}}`;
      let parsed: unknown;
      let hash = '0'.repeat(64);
      try {
        parsed = JSON.parse(text);
        hash = computePayloadHash([parsed], []);
      } catch {
        // too deep for this client: the server must still answer
      }
      return post('deep-nesting', `{"requestId":"${crypto.randomUUID()}","payloadHash":"${hash}","samples":[${text}]}`);
    },
    // NUL and lone surrogates, hash recomputed: in a sample they fail that sample alone (207; a
    // metadata key outside the allowlist is dropped, 200); in a delete ref → 400 naming the path
    () => {
      const s = sample();
      const bad = pick(['\u0000', '\ud800', '\udfff', 'a\u0000b', 'x\udbffy', '\ud83d']);
      const where = next();
      if (where < 0.2) {
        const b = body([s], [{ sourceRecordId: `gone${bad}` }]);
        return post('nul-surrogate', JSON.stringify(b), {
          check: (a) => {
            if (a.status !== 400) return `NUL/surrogate in a delete ref answered ${a.status}`;
            const errors = (JSON.parse(a.text).errors ?? []) as { path: string }[];
            return errors.some((e) => e.path === '/deleted/0/sourceRecordId') ? null : `no error path in ${a.text.slice(0, 300)}`;
          },
        });
      }
      if (where < 0.35) {
        s.metadata = { [`k${bad}`]: 1 };
        return post('nul-surrogate', JSON.stringify(body([s])), {
          check: (a) => (a.status === 200 ? null : `NUL/surrogate in a dropped metadata key answered ${a.status}`),
        });
      }
      const field = pick(STRING_FIELDS.filter((f) => typeof s[f] === 'string'));
      s[field] = `${s[field]}${bad}`;
      const expected: Record<string, string> = {
        sourceId: 'INVALID_FIELD',
        sourceRecordId: 'INVALID_FIELD',
        metricCode: 'UNKNOWN_METRIC',
        unit: 'UNIT_NORMALIZATION_FAILED',
      };
      return post('nul-surrogate', JSON.stringify(body([s, sample()])), {
        check: (a) => {
          if (a.status !== 207) return `NUL/surrogate in ${field} answered ${a.status}`;
          const result = JSON.parse(a.text) as { accepted: number; failed: { index: number; code: string; path?: string }[] };
          const [failure] = result.failed;
          if (result.accepted !== 1 || result.failed.length !== 1 || failure!.index !== 0) return `the other sample was not stored: ${a.text.slice(0, 300)}`;
          if (failure!.code !== expected[field]) return `NUL/surrogate in ${field} failed with ${failure!.code}`;
          return failure!.code !== 'INVALID_FIELD' || failure!.path === `/samples/0/${field}` ? null : `wrong path ${failure!.path}`;
        },
      });
    },
    // dates PostgreSQL cannot store (year 0000, the zero date, 1899, year 10000 in UTC, local dates
    // at -720/+840) in a sample: that sample fails alone, its neighbour is stored
    () => {
      const s = sample();
      const edge = pick([
        ['startAt', '0000-06-01T05:00:00Z'],
        ['startAt', '0001-01-01T00:00:00Z'],
        ['startAt', '0001-01-01T05:00:00Z', -720],
        ['startAt', '1899-12-31T23:59:59.999Z'],
        ['startAt', '1900-01-01T05:00:00Z', -720],
        ['endAt', '9999-12-31T23:59:59Z', 840],
        ['endAt', '9999-12-31T23:00:00-05:00'],
        ['endAt', '9999-12-31T23:59:59.999-23:59'],
      ] as const);
      s[edge[0]] = edge[1];
      if (edge[0] === 'startAt') delete s.endAt;
      if (edge[2] !== undefined) s.timezoneOffsetMinutes = edge[2];
      return post('date-edge', JSON.stringify(body([s, sample()])), {
        check: (a) => {
          if (a.status !== 200 && a.status !== 207) return `date edge ${edge[1]} answered ${a.status}`;
          const result = JSON.parse(a.text) as { accepted: number; failed: { index: number; code: string }[] };
          if (result.failed.some((f) => f.index !== 0)) return `the neighbour failed: ${a.text.slice(0, 300)}`;
          const codes = ['INVALID_FIELD', 'INVALID_TIME_RANGE'];
          return result.failed.every((f) => codes.includes(f.code)) ? null : `date edge failed with ${a.text.slice(0, 300)}`;
        },
      });
    },
    // SQL-looking strings in ids and metadata of a valid batch → 200, stored verbatim
    () => {
      const samples = Array.from({ length: 1 + int(3) }, () => {
        const s = sample();
        s.sourceId = `${pick(SQL_STRINGS)}#${counter}`;
        s.sourceRecordId = `${pick(SQL_STRINGS)}#${seed}-${counter}`;
        s.metadata = { deviceModel: pick(SQL_STRINGS) };
        return s;
      });
      return post('sql-strings', JSON.stringify(body(samples)), {
        check: (a) => (a.status === 200 ? null : `SQL-looking strings answered ${a.status}: ${a.text.slice(0, 200)}`),
        stored: samples.map((s) => ({ sourceId: s.sourceId as string, sourceRecordId: s.sourceRecordId as string, deviceModel: (s.metadata as { deviceModel: string }).deviceModel })),
      });
    },
    // duplicate JSON keys (the last wins in JSON.parse; the client hashed one or the other)
    () => {
      const s = sample();
      const text = JSON.stringify(s).replace('"sourceId":', `"sourceId":${JSON.stringify(pick(WEIRD_STRINGS))},"sourceId":`);
      const hashOf = next() < 0.5 ? [JSON.parse(text)] : [s];
      const envelope = next() < 0.3 ? `"requestId":"${crypto.randomUUID()}",` : '';
      return post('duplicate-keys', `{${envelope}"requestId":"${crypto.randomUUID()}","payloadHash":"${computePayloadHash(hashOf, [])}","samples":[${text}]}`);
    },
    // huge arrays: over MAX_BATCH_ITEMS, of junk, of valid samples (≥ threshold → queue)
    () => {
      const kind = int(3);
      if (kind === 0) return post('huge-array', `{"requestId":"${crypto.randomUUID()}","payloadHash":"${'0'.repeat(64)}","samples":[${Array(50_000 + int(200_000)).fill('0').join(',')}]}`);
      const n = kind === 1 ? 501 + int(2000) : 400 + int(100);
      return post('huge-array', JSON.stringify(body(Array.from({ length: n }, sample))));
    },
    // long strings
    () => {
      const s = sample();
      s[pick(STRING_FIELDS)] = 'x'.repeat(pick([129, 257, 10_000, 1_000_000]));
      return post('long-string', JSON.stringify(body([s])));
    },
    // byte-level mutations of a valid body: flips, truncation, splices, broken UTF-8
    () => {
      const bytes = new TextEncoder().encode(JSON.stringify(body([sample(), sample()])));
      const out = Array.from(bytes);
      const mutations = 1 + int(4);
      for (let m = 0; m < mutations; m++) {
        const at = int(out.length);
        switch (int(5)) {
          case 0:
            out[at] = int(256);
            break;
          case 1:
            out.splice(at, 1 + int(10));
            break;
          case 2:
            out.splice(at, 0, ...pick([[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x00], [0xef, 0xbb, 0xbf]]));
            break;
          case 3:
            out.length = at;
            break;
          default:
            out.splice(at, 0, ...new TextEncoder().encode(pick(['{', '}', '[', ']', ',', ':', '"', '\\', 'null', '1e999'])));
        }
      }
      return post('byte-mutation', new Uint8Array(out));
    },
    // bodies that are not a batch at all
    () => post('not-a-batch', pick(['', ' ', 'null', '[]', '{}', '"x"', '42', 'true', '[{}]', '{"samples":null}', '{"samples":[]}', '\u0000', 'NaN', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'])),
    // wrong content types (the body is read raw, so only its bytes matter)
    () => post('content-type', JSON.stringify(body([sample()])), {}, { 'content-type': pick(CONTENT_TYPES) }),
    // garbage X-Timezone-Offset → 400 naming the header
    () =>
      post('timezone-header', JSON.stringify(body([sample()])), {
        check: (a) => (a.status === 400 && a.text.includes('/headers/x-timezone-offset') ? null : `garbage X-Timezone-Offset answered ${a.status}`),
      }, { 'x-timezone-offset': pick(TZ_GARBAGE) }),
    // giant or odd X-Request-Id: echoed only when sane
    () => {
      const id = pick(['x'.repeat(129), 'x'.repeat(8_000), '../../etc', 'a b', 'é', '<script>', 'id;drop']);
      return post('request-id-header', JSON.stringify(body([sample()])), {
        check: (a) => (a.headers.get('x-request-id') === id ? `insane X-Request-Id echoed (${id.slice(0, 20)}…)` : null),
      }, { 'x-request-id': id });
    },
    // a re-send: the same requestId with the same or another payload (replay, 409, 422)
    () => {
      const requestId = usedRequestIds.length > 0 ? pick(usedRequestIds) : crypto.randomUUID();
      return post('re-send', JSON.stringify(body([sample()], undefined, requestId)));
    },
    // delete refs of every shape
    () => {
      const refs = Array.from({ length: 1 + int(4) }, () => {
        const ref: Record<string, unknown> = { sourceRecordId: next() < 0.8 ? `f-${seed}-${int(counter + 1)}` : pick([...SQL_STRINGS, ...WEIRD_STRINGS]) };
        if (next() < 0.5) ref.sourceId = next() < 0.8 ? 'com.fuzz' : pick(wrongTypes);
        if (next() < 0.3) ref.startAt = pick(['2026-10-01T00:00:00Z', 'yesterday', 0, '2026-02-30T00:00:00Z']);
        return ref;
      });
      return post('deleted', JSON.stringify(rehash(body(next() < 0.5 ? [] : [sample()], refs))));
    },
    // other endpoints with garbage ids and queries
    () => {
      const id = pick([crypto.randomUUID(), 'not-a-uuid', '..%2F..%2Fetc', '%00', 'x'.repeat(5000), usedRequestIds[0] ?? crypto.randomUUID(), `${crypto.randomUUID()}'--`]);
      return { category: 'get-request', method: 'GET', path: `/api/v1/health/ingest-requests/${id}`, headers: auth };
    },
    () => {
      const q = pick(['limit=-1', 'limit=0', 'limit=1e9', 'limit=abc', 'limit=1001', 'cursor=abc', `cursor=${Buffer.from('["a","b","c","d"]').toString('base64url')}`, `cursor=${Buffer.from('[1,2,3,4]').toString('base64url')}`, 'from=yesterday', 'to=2026-13-01T00:00:00Z', 'metric=%00', "metric=' OR 1=1 --", 'limit=10&limit=20', 'from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'x'.repeat(4000) + '=1']);
      return { category: 'get-samples', method: 'GET', path: `/api/v1/health/samples?${q}`, headers: auth };
    },
    () => {
      const bodies = ['{}', '{"syncEnabled":"yes","blockedMetrics":[]}', '{"syncEnabled":true,"blockedMetrics":"heart_rate"}', '{"syncEnabled":true,"blockedMetrics":["nope"]}', `{"syncEnabled":true,"blockedMetrics":[${Array(500).fill('"heart_rate"').join(',')}]}`, '[', '{"syncEnabled":true,"blockedMetrics":["\\u0000"]}', '{"syncEnabled":true,"blockedMetrics":[]}'];
      return { category: 'privacy', method: 'PUT', path: '/api/v1/health/privacy-settings', headers: { ...auth, ...json }, body: pick(bodies) };
    },
    // wrong methods and unknown paths
    () => ({
      category: 'method-path',
      method: pick(['DELETE', 'PATCH', 'PUT', 'GET', 'OPTIONS', 'HEAD']),
      path: pick(['/api/v1/health/samples/batch-upsert', '/api/v1/health/../../admin', '/api/v1/health/samples/%ff', '/admin/jobs', '/docs/../.env', `/${'a/'.repeat(500)}`]),
      headers: auth,
    }),
  ];
  if (options.bigBodies) {
    // over MAX_JOB_PAYLOAD_BYTES: declared by Content-Length, and streamed (chunked) without one
    cases.push(() => post('over-cap', `{"samples":[${'"' + 'x'.repeat(6 * 1024 * 1024) + '"'}]}`, {
      check: (a) => (a.status === 413 ? null : `over-cap body answered ${a.status}`),
    }));
    cases.push(() => {
      let sent = 0;
      const chunk = new TextEncoder().encode(`"${'y'.repeat(64 * 1024 - 3)}",`);
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > 6 * 1024 * 1024) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      return post('over-cap-chunked', new Uint8Array(0), {
        body: stream,
        check: (a) => (a.status === 413 ? null : `chunked over-cap body answered ${a.status}`),
      });
    });
  }

  return { next: () => pick(cases)() };
}
