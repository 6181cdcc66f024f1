import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { submitForm } from '../../common/http/form-post';
import { CompletionService } from './completion.service';
import { CompleteCohortDto, ExamAttemptDto } from './dto/training.dto';
import { NOTICES, TrainingViews } from './training.views';

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
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render(
      'training/completion',
      await this.views.completionModel(id, user, { notice: NOTICES[notice ?? ''] }),
    );
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

  /** Answers with the page itself (200), saying how many credentials were awarded. */
  @Post('cohorts/:id/complete')
  @HttpCode(200)
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
      done: ({ awarded }) => this.views.completedPage(id, user, awarded),
      view: 'training/completion',
      model: (completeErrors) => this.views.completionModel(id, user, { completeErrors, completeValues: body }),
    });
  }
}
