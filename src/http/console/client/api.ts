// The console's only way to the service: JSON over fetch with the admin key as X-Api-Key.
// Errors come back as RFC 9457 problem+json; an ApiError keeps status, code and detail.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function createApi(key: string): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { 'x-api-key': key, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(0, undefined, `the service did not answer (${(error as Error).message})`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // a body that is not JSON is reported by its status below
    }
    if (!response.ok) {
      const problem = (json ?? {}) as { code?: string; detail?: string; title?: string };
      throw new ApiError(response.status, problem.code, problem.detail ?? problem.title ?? `HTTP ${response.status}`);
    }
    return json as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
  };
}
