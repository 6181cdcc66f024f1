import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Public, RequestActor } from '../../common/auth/decorators';
import { MyTrainingService } from './my-training.service';

/** A person's own training page, and the calendar feed a calendar app fetches without signing in. */
@ApiExcludeController()
@Controller()
export class MyTrainingController {
  constructor(private readonly myTraining: MyTrainingService) {}

  @Get('my/training')
  async page(@CurrentUser() user: AuthUser, @Res() res: Response) {
    const data = await this.myTraining.overview(user.id);
    return res.render('training/mine', {
      title: 'My training',
      ...data,
      notice:
        res.req.query.notice === 'feed-reset' ? 'Your calendar address changed; the old one no longer works.' : null,
    });
  }

  @Post('my/training/calendar-reset')
  async resetFeed(@CurrentUser() user: AuthUser, @RequestActor() actor: Actor, @Res() res: Response) {
    await this.myTraining.resetFeed(user.id, actor);
    return res.redirect(303, '/my/training?notice=feed-reset');
  }

  /** Public by design: the unguessable address is the key, as calendar apps cannot sign in. */
  @Public()
  @Get('calendar/:personId/:feed')
  async feed(
    @Param('personId', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('No such calendar.') }))
    personId: string,
    @Param('feed') feed: string,
    @Res() res: Response,
  ) {
    if (!feed.endsWith('.ics')) throw new NotFoundException('No such calendar.');
    const body = await this.myTraining.feed(personId, feed.slice(0, -4));
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, max-age=900');
    res.setHeader('Content-Disposition', 'inline; filename="training.ics"');
    return res.send(body);
  }
}
