// JSON responses built by hand where we already hold the exact bytes (stored replies).
import { requestIdOf } from './plugins/request-id.ts';

export function jsonResponse(
  request: Request,
  status: number,
  bodyText: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(bodyText, {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestIdOf(request), ...headers },
  });
}
