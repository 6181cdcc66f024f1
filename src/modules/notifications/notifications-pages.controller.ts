import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { validateForm } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor } from '../../common/auth/decorators';
import { PreferencesFormDto } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

/** Only same-site notification links are followed after marking read. */
function safeLink(link: string | null): string {
  return link && /^\/(?![/\\])/.test(link) ? link : '/notifications';
}

@ApiExcludeController()
@Controller()
export class NotificationsPagesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('notifications')
  async inbox(@CurrentUser() user: AuthUser, @Query('page') page: string | undefined, @Res() res: Response) {
    const wanted = /^\d{1,5}$/.test(page ?? '') ? Math.max(1, Number(page)) : 1;
    const inbox = await this.notifications.inbox(user.id, wanted);
    return res.render('notifications/list', {
      title: 'Notifications',
      ...inbox,
      unreadCount: inbox.unread,
      previous: inbox.page > 1 ? inbox.page - 1 : null,
      next: inbox.page < inbox.pages ? inbox.page + 1 : null,
    });
  }

  /** Marks it read and opens what it is about. */
  @Post('notifications/:id/read')
  async read(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const notification = await this.notifications.markRead(user.id, id, actor);
    return res.redirect(303, body.open === '1' ? safeLink(notification.link) : '/notifications');
  }

  @Post('notifications/read-all')
  async readAll(@CurrentUser() user: AuthUser, @RequestActor() actor: Actor, @Res() res: Response) {
    await this.notifications.markAllRead(user.id, actor);
    return res.redirect(303, '/notifications');
  }

  @Post('account/notifications')
  async preferences(
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const { value } = await validateForm(PreferencesFormDto, body);
    await this.notifications.setPreferences(user.id, value?.emailReminders ?? false, actor);
    return res.redirect(303, '/account?notice=notifications-saved');
  }
}
