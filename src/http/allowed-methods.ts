// Which methods a path has, read from the app's route table once it is built: a path the service
// has, asked with a method it does not take, is 405 METHOD_NOT_ALLOWED with an Allow header
// (RFC 9110 §15.5.6) instead of 404, which would send a client looking for a typo in the path.

export interface RouteEntry {
  method: string;
  path: string;
}

/** `pathname` → the methods its routes take (HEAD wherever GET is, as Bun answers it), sorted; [] for no route. */
export type AllowedMethods = (pathname: string) => readonly string[];

export function allowedMethodsOf(routes: readonly RouteEntry[]): AllowedMethods {
  // 'ALL' routes (Bull Board's) take every method and answer themselves
  const patterns = routes.filter((route) => route.method !== 'ALL').map((route) => ({ method: route.method, segments: route.path.split('/') }));
  return (pathname) => {
    const segments = pathname.split('/');
    const methods = new Set<string>();
    for (const pattern of patterns) if (matches(pattern.segments, segments)) methods.add(pattern.method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** A route pattern's segments against a path's: `:name` takes any non-empty segment. */
function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i]));
}
