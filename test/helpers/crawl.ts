import type { Page, Response } from 'playwright-core';

// The crawl the browser specs share (csp.spec.ts, axe.spec.ts): every kind of page a signed-in person reaches by
// links, visited once per path pattern, so a check on "every page" stays one page per kind.

/** A page's path with its ids and codes generalised, so the crawl visits each kind of page once. */
export function pattern(path: string): string {
  return path
    .split('/')
    .map((s) => (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(s) ? ':id' : /\d/.test(s) ? ':n' : s))
    .join('/');
}

// Files, not pages: the crawl does not open them.
const DOWNLOAD = /\.(csv|pdf|xlsx|zip|ics|json|png|svg)$|\/(download|open-badge|pdf)$|^\/calendar\/|^\/api\//;

/** Where a crawl starts for a signed-in role: home and the menu, and pages other roles reach (their 403 and 404). */
export const CRAWL_START = [
  '/',
  '/account',
  '/notifications',
  '/verify',
  '/no-such-page',
  '/people/not-a-uuid',
  '/people',
  '/clearance',
  '/training',
  '/reports',
  '/audit',
  '/certificates',
  '/supervision',
];

export interface Visit {
  /** The path (with its query) the page was opened at. */
  path: string;
  status: number;
  response: Response;
}

/**
 * Opens every kind of page reachable by links from `start` (once per path pattern) and hands each HTML answer to
 * `onPage` while it is shown. Returns the path patterns visited with the first path of each and its status code.
 */
export async function crawl(
  page: Page,
  start: string[],
  onPage: (visit: Visit) => Promise<void> = async () => {},
  limit = 150,
): Promise<Map<string, { path: string; status: number }>> {
  const origin = new URL(page.url()).origin;
  const visited = new Map<string, { path: string; status: number }>();
  const queue = [...start];
  while (queue.length > 0 && visited.size < limit) {
    const path = queue.shift()!;
    const key = pattern(path.split('?')[0]);
    if (visited.has(key)) continue;
    let response: Response | null;
    try {
      response = await page.goto(path);
    } catch (error) {
      if (/Download is starting/.test(String(error))) continue;
      throw error;
    }
    if (!response || !/html/.test(response.headers()['content-type'] ?? '')) continue;
    visited.set(key, { path, status: response.status() });
    await onPage({ path, status: response.status(), response });
    const hrefs = await page.evaluate<string[]>(`[...document.querySelectorAll('a[href]')].map((a) => a.href)`);
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin !== origin) continue;
      if (url.pathname === '/logout' || DOWNLOAD.test(url.pathname)) continue;
      if (!visited.has(pattern(url.pathname))) queue.push(url.pathname + url.search);
    }
  }
  return visited;
}
