import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { validateForm } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { CeService } from './ce.service';
import { CeViews, NOTICES } from './ce.views';
import { ReviewCeDto, SubmitCeDto } from './dto/ce.dto';

/** A person's CE page: their entries and readiness, the form to submit one, and an admin's review. */
@ApiExcludeController()
@Controller()
export class CePagesController {
  constructor(
    private readonly ce: CeService,
    private readonly views: CeViews,
  ) {}

  @Get('people/:id/ce')
  async page(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query('notice') notice: string | undefined,
    @Res() res: Response,
  ) {
    return res.render('ce/index', await this.views.page(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  @Post('people/:id/ce')
  async submitPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: SubmitCeDto,
      body,
      run: (value) => this.ce.submit(id, value, user, actor),
      done: () => `/people/${id}/ce?notice=submitted`,
      view: 'ce/index',
      model: (errors) => this.views.page(id, user, { errors, values: body }),
    });
  }

  /** The review buttons on the CE page; a post without a decision is answered in JSON, as before. */
  @Post('ce/:entryId/review')
  @Roles('admin')
  async reviewPage(
    @Param('entryId', new ParseUUIDPipe()) entryId: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(ReviewCeDto, body);
    if (!value)
      return res.status(400).json({
        statusCode: 400,
        message: 'Choose confirm or reject.',
        errors: Object.entries(errors ?? {}).map(([field, message]) => ({ field, message })),
      });
    const entry = await this.ce.review(entryId, value, user, actor);
    return res.redirect(303, `/people/${entry.personId}/ce?notice=${value.decision}`);
  }
}
