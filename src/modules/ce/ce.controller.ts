import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { validateForm } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { CE_CATEGORIES } from './ce-entry.entity';
import { CeService } from './ce.service';
import { ReviewCeDto, SubmitCeDto } from './dto/ce.dto';

const NOTICES: Record<string, string> = {
  submitted: 'Entry submitted; it counts once an admin confirms it.',
  confirmed: 'Entry confirmed.',
  rejected: 'Entry rejected.',
};

@ApiTags('continuing education')
@ApiBearerAuth()
@Controller()
export class CeController {
  constructor(private readonly ce: CeService) {}

  @Get('api/v1/people/:id/ce')
  @ApiOperation({ summary: "A person's CE entries and readiness to renew each credential that asks for CE hours" })
  overview(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return this.ce.overview(id, user);
  }

  @Post('api/v1/people/:id/ce')
  @ApiOperation({
    summary: 'Submit a CE entry (your own, or for someone as an admin); it counts once confirmed',
  })
  submit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SubmitCeDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.ce.submit(id, dto, user, actor);
  }

  @Post('api/v1/ce/:entryId/review')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Confirm or reject a submitted CE entry' })
  review(
    @Param('entryId', new ParseUUIDPipe()) entryId: string,
    @Body() dto: ReviewCeDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.ce.review(entryId, dto, user, actor);
  }

  @ApiExcludeEndpoint()
  @Get('people/:id/ce')
  async page(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query('notice') notice: string | undefined,
    @Res() res: Response,
  ) {
    return res.render('ce/index', await this.model(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  @ApiExcludeEndpoint()
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
      model: (errors) => this.model(id, user, { errors, values: body }),
    });
  }

  @ApiExcludeEndpoint()
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

  private async model(id: string, user: AuthUser, extra: object) {
    const data = await this.ce.overview(id, user);
    return {
      title: `Continuing education: ${data.person.name}`,
      ...data,
      categories: CE_CATEGORIES,
      canReview: hasRole(user, 'admin') && user.id !== id,
      canSubmit: user.id === id || hasRole(user, 'admin'),
      values: {},
      ...extra,
    };
  }
}
