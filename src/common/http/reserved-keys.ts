import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Keys that name an object's machinery rather than data. JSON.parse and the query parser keep them
 * as ordinary own keys, but class-transformer does not copy them onto a DTO, so the whitelist never
 * sees them and a request carrying them was accepted while any other extra property is refused. No
 * DTO, form or rule here has a field by these names, and code that merges objects can be steered by them.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path (`modules.0.constructor`) of the first reserved key in `value`, or null. Walks with its own stack. */
export function reservedKeyPath(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<{ node: object; path: string }> = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    for (const key of Object.keys(node)) {
      const here = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) return here;
      const child = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ node: child, path: here });
    }
  }
  return null;
}

/** The refusal the validation pipe gives any other property a DTO does not have, in the one error shape. */
export function reservedKeyError(path: string): BadRequestException {
  const message = `property ${path.slice(path.lastIndexOf('.') + 1)} should not exist`;
  return new BadRequestException({
    statusCode: 400,
    message: `${path}: ${message}`,
    errors: [{ field: path, message }],
  });
}

/** Refuses a parsed body or query string carrying a reserved key anywhere, before any pipe or DTO sees it. */
export function refuseReservedKeys(req: Request, _res: Response, next: NextFunction): void {
  for (const value of [req.body, req.query]) {
    const path = reservedKeyPath(value);
    if (path !== null) return next(reservedKeyError(path));
  }
  next();
}
