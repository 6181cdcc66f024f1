import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { NotificationsService } from './notifications.service';

/**
 * Gives every signed-in page the bell's unread count (one indexed count) and the account page the
 * person's e-mail choice. API calls and assets are left alone.
 */
@Injectable()
export class UnreadCountMiddleware implements NestMiddleware {
  constructor(private readonly notifications: NotificationsService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      // Nest mounts module middleware on a pattern, so req.path is relative to it; the original URL is not.
      const path = req.originalUrl.split('?')[0];
      if (req.user && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/')) {
        res.locals.unreadCount = await this.notifications.unreadCount(req.user.id);
        if (path === '/account') res.locals.notificationPreferences = await this.notifications.preferences(req.user.id);
      }
      next();
    } catch (error) {
      next(error);
    }
  }
}
