import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { submitForm } from '../../common/http/form-post';
import { CompletionService } from './completion.service';
import { CompleteCohortDto, ExamAttemptDto } from './dto/training.dto';
import { CompletionPageQuery } from './dto/cohort-list.query';
import { completedNotice, NOTICES, TrainingViews } from './training.views';

/** A cohort's completion: who has met the course, exam scores, and completing the cohort. */
@ApiExcludeController()
@Controller('training')
@Roles('trainer', 'admin')
export class TrainingCompletionPagesController {
  constructor(
    private readonly completion: CompletionService,
    private readonly views: TrainingViews,
  ) {}

  @Get('cohorts/:id/completion')
  async page(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CompletionPageQuery,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const notice = query.notice === 'completed' ? completedNotice(query.awarded ?? 0) : NOTICES[query.notice ?? ''];
    return res.render('training/completion', await this.views.completionModel(id, user, { notice }));
  }

  @Post('cohorts/:id/exam-attempts')
  async examAttempt(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: ExamAttemptDto,
      body,
      run: (value) => this.completion.recordExamAttempt(id, value, user, actor),
      done: () => `/training/cohorts/${id}/completion?notice=exam`,
      view: 'training/completion',
      model: (examErrors) =>
        this.views.completionModel(id, user, { examErrors, examPersonId: body.personId, examValues: body }),
    });
  }

  /** Redirects (303) to the completion page, which says how many credentials were awarded. */
  @Post('cohorts/:id/complete')
  async complete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: CompleteCohortDto,
      body,
      run: (value) => this.completion.complete(id, value, user, actor),
      done: ({ awarded }) => `/training/cohorts/${id}/completion?notice=completed&awarded=${awarded.length}`,
      view: 'training/completion',
      model: (completeErrors) => this.views.completionModel(id, user, { completeErrors, completeValues: body }),
    });
  }
}
