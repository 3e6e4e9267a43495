// One HTTP exchange with the service, tried again where that is safe and useful: the auth
// header (getToken per try; once more after a 401), a time limit per try, the caller's abort,
// and the retries of retry-policy.ts. Nothing here knows an endpoint; answers that are not
// retried come back as they are, and the caller decides what they mean.
import { abortReason, errorFromAnswer, HealthIngestError, isAbort } from './errors.ts';
import { isRetryableStatus, mayRetry, retryDelayMs, retryHintMs, type RetryOptions } from './retry-policy.ts';

export type TokenSource = (context: { forceRefresh: boolean }) => string | Promise<string>;

export interface TransportOptions {
  baseUrl: string;
  token: TokenSource | undefined;
  /** the token source can give a new token (getToken): a 401 is tried once more */
  refreshable: boolean;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  headers: Readonly<Record<string, string>>;
  retry: RetryOptions;
  /** per try, from sending to the last byte of the answer (to its headers for streams) */
  requestTimeoutMs: number;
  now: () => number;
  random: () => number;
}

export type Body = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** a path under baseUrl (with its query), or an absolute URL */
  path: string;
  headers?: Record<string, string>;
  body?: Body;
  signal?: AbortSignal;
  /** false: one try only (a body that cannot be sent twice) */
  retry?: boolean;
}

/** An answer whose body was read: JSON when it says so, else the text. */
export interface Answer {
  kind: 'answer';
  status: number;
  headers: Headers;
  body: unknown;
}

/** A success whose body is left unread, for the caller to stream. */
interface Opened {
  kind: 'opened';
  status: number;
  response: Response;
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** The final answer, body read. Retryable statuses come back only once the retries are spent. */
  async send(call: Call): Promise<Answer> {
    return this.withRetries(call, async (response, finish) => {
      try {
        return await readAnswer(response);
      } finally {
        finish();
      }
    });
  }

  /**
   * A 2xx response with its body unread (a stream; the time limit ends at its headers). Any
   * other final answer is thrown as its HealthIngestError.
   */
  async open(call: Call): Promise<Response> {
    const result = await this.withRetries<Answer | Opened>(call, async (response, finish) => {
      if (response.ok) {
        finish();
        return { kind: 'opened', status: response.status, response };
      }
      try {
        return await readAnswer(response);
      } finally {
        finish();
      }
    });
    if (result.kind === 'opened') return result.response;
    throw errorFromAnswer(result, retryHintMs(result.headers, result.body, this.options.now()));
  }

  private async withRetries<T extends Answer | Opened>(call: Call, take: (response: Response, finish: () => void) => Promise<T>): Promise<T> {
    const { retry, now, random } = this.options;
    const started = now();
    let attempts = 0;
    let refreshedToken = false;
    for (;;) {
      attempts += 1;
      let result: T | undefined;
      let failure: unknown;
      // outside the try: a token source that fails is the caller's error, not the network's
      const token = this.options.token ? await this.options.token({ forceRefresh: refreshedToken }) : undefined;
      try {
        result = await this.attempt(call, token, take);
      } catch (error) {
        if (isAbort(error, call.signal)) throw error;
        failure = error;
      }
      const status = result === undefined ? 0 : result.status;
      if (status === 401 && this.options.refreshable && !refreshedToken && call.retry !== false) {
        refreshedToken = true; // one more try, with a token asked for anew
        continue;
      }
      if (result !== undefined && !isRetryableStatus(status)) return result;
      const hint = result?.kind === 'answer' ? retryHintMs(result.headers, result.body, now()) : undefined;
      const delay = retryDelayMs(attempts, hint, retry, random);
      if (call.retry === false || !mayRetry(attempts, now() - started, delay, retry)) {
        if (result !== undefined) return result;
        throw new HealthIngestError({
          status: 0,
          code: 'NETWORK_ERROR',
          detail: `${call.method} ${call.path}: no answer after ${attempts} ${attempts === 1 ? 'try' : 'tries'} (${describe(failure)})`,
          cause: failure,
        });
      }
      await sleep(delay, call.signal);
    }
  }

  private async attempt<T>(call: Call, token: string | undefined, take: (response: Response, finish: () => void) => Promise<T>): Promise<T> {
    if (call.signal?.aborted) throw abortReason(call.signal);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, ...call.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;

    const controller = new AbortController();
    const onAbort = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', onAbort);
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${this.options.requestTimeoutMs} ms`)),
      this.options.requestTimeoutMs,
    );
    const finish = () => {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    };
    const init: RequestInit & { duplex?: 'half' } = { method: call.method, headers, signal: controller.signal };
    if (call.body !== undefined) {
      init.body = call.body as RequestInit['body'];
      // a streamed request body must say so (fetch in Node and Bun; browsers ignore it)
      if (typeof ReadableStream !== 'undefined' && call.body instanceof ReadableStream) init.duplex = 'half';
    }
    try {
      const response = await this.options.fetch(resolveUrl(this.options.baseUrl, call.path), init);
      return await take(response, finish);
    } catch (error) {
      finish();
      if (call.signal?.aborted) throw abortReason(call.signal);
      throw error;
    }
  }
}

async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (text.length > 0 && /json/i.test(type)) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { kind: 'answer', status: response.status, headers: response.headers, body };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const ORIGIN = /^(https?:\/\/[^/?#]+)(\/[^?#]*)?/i;

/** A path under the base URL (which may carry a path prefix), or an absolute URL as it is. */
export function resolveUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

/**
 * Where a Location header points. The service writes absolute paths (/api/v1/…); behind a
 * gateway that serves it under a prefix (baseUrl https://host/health) such a path is taken
 * under the prefix, unless the gateway already rewrote it to start with the prefix.
 */
export function resolveLocation(baseUrl: string, location: string): string {
  if (/^https?:\/\//i.test(location)) return location;
  const match = ORIGIN.exec(baseUrl);
  if (!match || !location.startsWith('/')) return resolveUrl(baseUrl, location);
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  return prefix !== '' && (location === prefix || location.startsWith(`${prefix}/`)) ? `${match[1]}${location}` : `${match[1]}${prefix}${location}`;
}

/** `path?a=1&b=x` from the defined parameters. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}
