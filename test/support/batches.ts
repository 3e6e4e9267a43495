// Builders for upload bodies with a correct payloadHash, and a small HTTP client for them.
import { computePayloadHash } from '../../src/domain/ingest/payload-hash.ts';

export type SampleInput = Record<string, unknown>;

let counter = 0;

export function heartRate(overrides: SampleInput = {}): SampleInput {
  counter++;
  return {
    sourceId: 'com.apple.health.watch',
    sourceRecordId: `hr-${counter}-${crypto.randomUUID().slice(0, 8)}`,
    metricCode: 'heart_rate',
    valueKind: 'SCALAR_NUM',
    value: 72,
    unit: 'count/min',
    startAt: '2026-11-20T07:15:00Z',
    timezoneOffsetMinutes: 60,
    metadata: { deviceModel: 'Watch7,1' },
    ...overrides,
  };
}

export function batch(samples: SampleInput[], options: { deleted?: SampleInput[]; requestId?: string } = {}) {
  const body: Record<string, unknown> = {
    requestId: options.requestId ?? crypto.randomUUID(),
    payloadHash: computePayloadHash(samples, options.deleted ?? []),
    samples,
  };
  if (options.deleted) body.deleted = options.deleted;
  return body as { requestId: string; payloadHash: string; samples: SampleInput[]; deleted?: SampleInput[] };
}

export async function upload(
  baseUrl: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${baseUrl}/api/v1/health/samples/batch-upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export async function getJson(baseUrl: string, path: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export async function putJson(baseUrl: string, path: string, token: string, body: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

let serial = 0;

/** A steps sample of `sourceId` (CUMULATIVE_NUM, count, offset +01:00). */

export function steps(sourceId: string, value: number, startAt: string, overrides: SampleInput = {}): SampleInput {
  return {
    sourceId,
    sourceRecordId: `steps-${++serial}`,
    metricCode: 'steps',
    valueKind: 'CUMULATIVE_NUM',
    value,
    unit: 'count',
    startAt,
    timezoneOffsetMinutes: 60,
    ...overrides,
  };
}

export function sleepStage(sourceId: string, stage: string, startAt: string, endAt: string, overrides: SampleInput = {}): SampleInput {
  return {
    sourceId,
    sourceRecordId: `sleep-${++serial}`,
    metricCode: 'sleep_stage',
    valueKind: 'CATEGORY',
    categoryCode: stage,
    startAt,
    endAt,
    timezoneOffsetMinutes: 60,
    ...overrides,
  };
}
