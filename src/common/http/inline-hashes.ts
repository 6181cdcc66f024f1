import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The inline code of an HTML page: `<script>` blocks without `src`, `<style>` blocks and `style="…"` attributes. */
export function inlineCode(html: string): { scripts: string[]; styles: string[]; styleAttributes: string[] } {
  const scripts = [...html.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi)].map((m) => m[1]);
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)].map((m) => m[1]);
  const styleAttributes = [...html.matchAll(/\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((m) => m[1] ?? m[2]);
  return { scripts, styles, styleAttributes };
}

/**
 * The policy `header` widened by exactly the inline code of `html`, by hash: each `<script>` block in
 * script-src, each `<style>` block in style-src, and each `style` attribute in style-src with 'unsafe-hashes'
 * (CSP level 3: a hash then allows that one attribute value, not any inline style). Nothing else changes.
 */
export function policyWithInlineHashes(header: string, html: string): string {
  const { scripts, styles, styleAttributes } = inlineCode(html);
  const extra: Record<string, string[]> = {
    'script-src': unique(scripts.map(sha256)),
    'style-src': unique([
      ...(styleAttributes.length > 0 ? ["'unsafe-hashes'"] : []),
      ...styles.map(sha256),
      ...styleAttributes.map(sha256),
    ]),
  };
  return header
    .split(';')
    .map((directive) => {
      const name = directive.trim().split(/\s+/)[0];
      const sources = extra[name];
      return sources?.length ? `${directive.trim()} ${sources.join(' ')}` : directive;
    })
    .join(';');
}

/**
 * For HTML the app does not render itself (Swagger UI's page): the Content-Security-Policy already set on the
 * response is widened by the hashes of that page's own inline code, so the rest of the policy stays as strict
 * as every other page's. The computed header is kept for the last page seen (the page is the same every time).
 */
export function allowOwnInlineCode() {
  let last: { header: string; html: string; policy: string } | undefined;
  return (_req: Request, res: Response, next: NextFunction) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const header = res.getHeader('content-security-policy');
      if (
        typeof body === 'string' &&
        typeof header === 'string' &&
        /html/.test(String(res.getHeader('content-type')))
      ) {
        if (last?.header !== header || last.html !== body)
          last = { header, html: body, policy: policyWithInlineHashes(header, body) };
        res.setHeader('Content-Security-Policy', last.policy);
      }
      return send(body);
    };
    next();
  };
}
