// Runs fuzz cases against a running server with a few concurrent lanes, each request bounded by
// a client timeout, and collects violations of the global rules and of each case's own check.
// Bounded: exactly `count` requests, then it stops; loopback only (the caller's baseUrl).
import { fuzzCases, type FuzzCase } from './fuzz-cases.ts';

export interface FuzzOptions {
  baseUrl: string;
  /** one token per lane (each lane is one user) */
  tokens: string[];
  count: number;
  seed: number;
  timeoutMs?: number;
  maxDepth?: number;
  bigBodies?: boolean;
  /** called every `sampleEvery` cases; return the server's RSS in bytes */
  sampleRss?: () => number | null;
  sampleEvery?: number;
  onProgress?: (done: number) => void;
}

export interface FuzzReport {
  cases: number;
  byCategory: Record<string, Record<string, number>>;
  violations: string[];
  stored: NonNullable<FuzzCase['stored']>;
  rss: { afterCases: number; bytes: number }[];
  slowestMs: number;
  elapsedMs: number;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sampleEvery = options.sampleEvery ?? 250;
  const report: FuzzReport = { cases: 0, byCategory: {}, violations: [], stored: [], rss: [], slowestMs: 0, elapsedMs: 0 };
  const started = performance.now();
  let issued = 0;

  const lane = async (laneIndex: number) => {
    const generator = fuzzCases(options.seed * 101 + laneIndex, options.tokens[laneIndex]!, {
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      ...(options.bigBodies === undefined ? {} : { bigBodies: options.bigBodies }),
    });
    while (issued < options.count) {
      issued += 1;
      const fuzzCase = generator.next();
      const violation = await send(options.baseUrl, fuzzCase, timeoutMs, report);
      if (violation) report.violations.push(`[${fuzzCase.category}] ${fuzzCase.method} ${fuzzCase.path.slice(0, 80)}: ${violation}`);
      report.cases += 1;
      if (report.cases % sampleEvery === 0) {
        const bytes = options.sampleRss?.();
        if (bytes) report.rss.push({ afterCases: report.cases, bytes });
        options.onProgress?.(report.cases);
      }
    }
  };
  await Promise.all(options.tokens.map((_, i) => lane(i)));
  report.elapsedMs = performance.now() - started;
  return report;
}

async function send(baseUrl: string, fuzzCase: FuzzCase, timeoutMs: number, report: FuzzReport): Promise<string | null> {
  const started = performance.now();
  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const response = await fetch(`${baseUrl}${fuzzCase.path}`, {
      method: fuzzCase.method,
      headers: fuzzCase.headers,
      ...(fuzzCase.body === undefined || fuzzCase.method === 'GET' || fuzzCase.method === 'HEAD' ? {} : { body: fuzzCase.body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms (hang)`;
    // the server may close the connection on an over-cap stream after answering 413
    if (fuzzCase.category === 'over-cap-chunked') return null;
    return `request failed: ${(error as Error).message}`;
  }
  const ms = performance.now() - started;
  report.slowestMs = Math.max(report.slowestMs, ms);
  const statuses = (report.byCategory[fuzzCase.category] ??= {});
  statuses[status] = (statuses[status] ?? 0) + 1;

  if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
  if (!headers.get('x-request-id')) return `answered ${status} without X-Request-Id`;
  if (status >= 400 && fuzzCase.method !== 'HEAD') {
    if (!headers.get('content-type')?.startsWith('application/problem+json')) return `answered ${status} as ${headers.get('content-type')}`;
    try {
      const problem = JSON.parse(text) as { code?: unknown; status?: unknown };
      if (typeof problem.code !== 'string' || problem.status !== status) return `problem body without code/status: ${text.slice(0, 200)}`;
    } catch {
      return `answered ${status} with a body that is not JSON`;
    }
  }
  const own = fuzzCase.check?.({ status, headers, text }) ?? null;
  if (own) return own;
  if (fuzzCase.stored && status === 200) report.stored.push(...fuzzCase.stored);
  return null;
}

/** Growth of the RSS samples after the first `warmup` of them (bytes). */
export function rssGrowth(report: FuzzReport, warmup = 1): number {
  if (report.rss.length <= warmup) return 0;
  const base = report.rss[warmup - 1]!.bytes;
  return Math.max(...report.rss.slice(warmup).map((sample) => sample.bytes)) - base;
}
