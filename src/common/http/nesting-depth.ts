import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * How deep objects and arrays may nest in a request body or query string. No form or DTO here
 * nests more than a few levels; class-transformer and class-validator recurse once per level, so a
 * small body nested thousands deep would otherwise overflow the stack (a 500) instead of a 400.
 */
export const MAX_NESTING_DEPTH = 32;

export const NESTING_MESSAGE = `is nested more than ${MAX_NESTING_DEPTH} levels deep`;

/**
 * The top-level field under which `value` nests objects or arrays deeper than `limit` (the value
 * itself counting as the first level), or null. Walks with its own stack, so depth costs no recursion.
 */
export function fieldNestedTooDeep(value: unknown, limit = MAX_NESTING_DEPTH): string | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<{ value: object; depth: number; field: string }> = [{ value, depth: 1, field: '' }];
  while (stack.length > 0) {
    const { value: node, depth, field } = stack.pop()!;
    if (depth > limit) return field;
    for (const [key, child] of Object.entries(node))
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, depth: depth + 1, field: field || key });
  }
  return null;
}

export function nestingError(field: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    message: `The request ${NESTING_MESSAGE}.`,
    errors: [{ field, message: NESTING_MESSAGE }],
  });
}

/**
 * Refuses a parsed body or query string that nests too deep, before any pipe or DTO sees it. Runs
 * once for every route, after the JSON and form body parsers.
 */
export function limitNestingDepth(req: Request, _res: Response, next: NextFunction): void {
  for (const value of [req.body, req.query]) {
    const field = fieldNestedTooDeep(value);
    if (field !== null) return next(nestingError(field));
  }
  next();
}
