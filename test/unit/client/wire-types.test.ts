// The SDK writes its wire types itself (an app's compiler must not need TypeBox or the
// service's domain), so they are held here to the service's schemas: every body the service's
// schema types accept is a valid SDK input (compile time), and both name the same fields (run time).
import { describe, expect, test } from 'bun:test';
import type { DeleteRefInput, Erasure, PrivacySettings, SampleInput } from '../../../src/client/index.ts';
import { ErasureBody, type ErasureBodyT } from '../../../src/domain/erasure/erasure-schema.ts';
import { DeleteRefBody, SampleBody, type DeleteRefBodyT, type SampleBodyT } from '../../../src/domain/ingest/upload-schema.ts';
import { PrivacySettingsBody, type PrivacySettingsBodyT } from '../../../src/domain/privacy-schema.ts';

// compile time: what the service's schemas type is assignable to what the SDK takes
export const sampleFits = (sample: SampleBodyT): SampleInput => sample;
export const deleteRefFits = (ref: DeleteRefBodyT): DeleteRefInput => ref;
export const privacyFits = (settings: PrivacySettingsBodyT): PrivacySettings => settings;
export const erasureFits = (erasure: ErasureBodyT): Erasure => erasure;

/** The declared keys of a type with an index signature. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };

// one entry per declared field: the compiler refuses a missing or an extra one
const SAMPLE_FIELDS: Record<KnownKeys<SampleInput>, true> = {
  sourceId: true, sourceRecordId: true, metricCode: true, valueKind: true, value: true, unit: true, categoryCode: true,
  durationSeconds: true, startAt: true, endAt: true, timezoneOffsetMinutes: true, metadata: true, sourceVersion: true,
};
const DELETE_REF_FIELDS: Record<KnownKeys<DeleteRefInput>, true> = { sourceRecordId: true, sourceId: true, metricCode: true, startAt: true };
const PRIVACY_FIELDS: Record<keyof PrivacySettings, true> = { syncEnabled: true, blockedMetrics: true };
const ERASURE_FIELDS: Record<keyof Erasure, true> = { erasureId: true, status: true, startedAt: true, finishedAt: true, deleted: true };

const keys = (object: object) => Object.keys(object).sort();

describe('the SDK\'s wire types name the fields the service\'s schemas declare', () => {
  test('samples', () => {
    expect(keys(SAMPLE_FIELDS)).toEqual(keys(SampleBody.properties));
  });

  test('delete refs (CONTRACT §4.1 names an optional metricCode the schema takes as an extra field)', () => {
    expect(keys(DELETE_REF_FIELDS)).toEqual([...new Set([...keys(DeleteRefBody.properties), 'metricCode'])].sort());
  });

  test('privacy settings', () => {
    expect(keys(PRIVACY_FIELDS)).toEqual(keys(PrivacySettingsBody.properties));
  });

  test('erasures', () => {
    expect(keys(ERASURE_FIELDS)).toEqual(keys(ErasureBody.properties));
  });
});
