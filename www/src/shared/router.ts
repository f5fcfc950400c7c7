// Routes: one per workbench, in the URL hash: `#/<workbench>?<its settings>`.
//
// A hash without a leading `/` (`#dataset=spiral&…`, older links and TensorFlow Playground's own
// links) belongs to the default workbench, the 2-D playground.

export const DEFAULT_ROUTE = 'playground';

export interface Route {
  /** The workbench's id, e.g. `playground`. */
  workbench: string;
  /** Its settings, `k=v&k=v` (not decoded). */
  query: string;
}

export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith('/')) return { workbench: DEFAULT_ROUTE, query: body };
  const q = body.indexOf('?');
  const path = q < 0 ? body.slice(1) : body.slice(1, q);
  return { workbench: path.replace(/\/+$/, '') || DEFAULT_ROUTE, query: q < 0 ? '' : body.slice(q + 1) };
}

export function routeHash(workbench: string, query: string): string {
  return `#/${workbench}${query ? '?' + query : ''}`;
}
