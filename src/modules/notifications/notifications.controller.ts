import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor } from '../../common/auth/decorators';
import { InboxQueryDto, PreferencesDto } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

/** Everyone's own notifications only: there is no way to name another person's. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'My notifications, newest first, 50 a page, with the unread count' })
  inbox(@CurrentUser() user: AuthUser, @Query() query: InboxQueryDto) {
    return this.notifications.inbox(user.id, query.page);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read' })
  async readAll(@CurrentUser() user: AuthUser, @RequestActor() actor: Actor) {
    return { marked: await this.notifications.markAllRead(user.id, actor) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read' })
  read(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @RequestActor() actor: Actor) {
    return this.notifications.markRead(user.id, id, actor);
  }

  @Get('preferences')
  @ApiOperation({ summary: 'Whether my reminders also come by e-mail' })
  preferences(@CurrentUser() user: AuthUser) {
    return this.notifications.preferences(user.id);
  }

  @Put('preferences')
  @ApiOperation({ summary: 'Turn e-mail for my reminders on or off (in-app ones always stay on)' })
  setPreferences(@CurrentUser() user: AuthUser, @Body() dto: PreferencesDto, @RequestActor() actor: Actor) {
    return this.notifications.setPreferences(user.id, dto.emailReminders, actor);
  }
}
