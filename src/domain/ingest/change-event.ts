// The `health.samples.changed` outbox event: enough for a projection to recompute exactly the
// (metric, local date) cells a transaction touched, and the seq it must have seen (minRequiredSeq).
import { affectedLocalDates } from '../time/timestamps.ts';

export const SAMPLES_CHANGED = 'health.samples.changed';

/** A sample version that a write added or removed: where it sat in (metric, local dates). */
export interface TouchedSpan {
  metricCode: string;
  startAtMs: number;
  endAtMs: number;
  timezoneOffsetMinutes: number;
}

export interface SamplesChangedPayload {
  userId: string;
  requestId: string;
  minRequiredSeq: number;
  metricCodes: string[];
  affectedLocalDates: string[];
  /** per metric, the local dates to recompute (a precise form of the two lists above) */
  affected: { metricCode: string; localDates: string[] }[];
}

export function buildSamplesChangedPayload(input: {
  userId: string;
  requestId: string;
  seq: number;
  spans: Iterable<TouchedSpan>;
}): SamplesChangedPayload {
  const byMetric = new Map<string, Set<string>>();
  const allDates = new Set<string>();
  for (const span of input.spans) {
    let dates = byMetric.get(span.metricCode);
    if (!dates) byMetric.set(span.metricCode, (dates = new Set()));
    for (const date of affectedLocalDates(span.startAtMs, span.endAtMs, span.timezoneOffsetMinutes)) {
      dates.add(date);
      allDates.add(date);
    }
  }
  const metricCodes = [...byMetric.keys()].sort();
  return {
    userId: input.userId,
    requestId: input.requestId,
    minRequiredSeq: input.seq,
    metricCodes,
    affectedLocalDates: [...allDates].sort(),
    affected: metricCodes.map((metricCode) => ({ metricCode, localDates: [...byMetric.get(metricCode)!].sort() })),
  };
}
