import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SubmissionsService } from './submissions.service';

/**
 * Gives admins' pages the count of submissions waiting for review, for the menu's "Submissions" badge
 * (one count over the state column). Other people, API calls and assets are left alone.
 */
@Injectable()
export class WaitingCountMiddleware implements NestMiddleware {
  constructor(private readonly submissions: SubmissionsService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      // Nest mounts module middleware on a pattern, so req.path is relative to it; the original URL is not.
      const path = req.originalUrl.split('?')[0];
      if (
        req.user?.roles.includes('admin') &&
        req.method === 'GET' &&
        !path.startsWith('/api/') &&
        !path.startsWith('/assets/')
      )
        res.locals.waitingSubmissions = await this.submissions.waitingCount();
      next();
    } catch (error) {
      next(error);
    }
  }
}
