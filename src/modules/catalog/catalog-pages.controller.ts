import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Redirect,
  Render,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { CatalogService } from './catalog.service';
import { CatalogViews, credentialTypeView } from './catalog.views';
import { DEFAULT_REMINDER_DAYS } from './credential-type.entity';
import { CreateCredentialTypeDto } from './dto/credential-type.dto';
import { MovePracticeRoleDto, ReplaceRuleDto } from './dto/practice-role.dto';
import { PracticeRoleOrderService } from './practice-role-order.service';
import { applyPostedEdit, draftFromBody, ruleReplacement } from './rule-form';
import type { AuthUser } from '../../common/auth/auth-user';
import type { Actor } from '../../common/auth/actor';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';

type FormBody = Record<string, unknown>;
const NOTICES: Record<string, string> = {
  created: 'Credential type added.',
  saved: 'Changes saved.',
  'rule-saved': 'The new rule version is recorded; see it in the history below.',
  moved: 'Moved. The board, clearance pages and reports show roles in this order.',
};

/** The catalogue's pages: credential types with their form, and practice roles with the rule editor. */
@ApiExcludeController()
@Controller('catalog')
export class CatalogPagesController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly views: CatalogViews,
    private readonly order: PracticeRoleOrderService,
  ) {}

  @Get()
  @Redirect('/catalog/credential-types', 302)
  index() {}

  @Get('credential-types')
  @Render('catalog/credential-types')
  async types() {
    const types = await this.catalog.listCredentialTypes({ includeInactive: true });
    return { title: 'Credential types', types: types.map(credentialTypeView) };
  }

  @Get('credential-types/new')
  @Roles('admin')
  @Render('catalog/credential-type-form')
  newType() {
    return this.views.form('Add a credential type', '/catalog/credential-types', '/catalog/credential-types', {
      kind: 'external',
      validityKind: 'none',
      graceDays: 0,
      reminderDays: DEFAULT_REMINDER_DAYS.join(', '),
      active: true,
    });
  }

  @Post('credential-types')
  @Roles('admin')
  async createType(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    const [title, action] = ['Add a credential type', '/catalog/credential-types'];
    return submitForm(res, {
      dto: CreateCredentialTypeDto,
      body,
      run: (value) => this.catalog.createCredentialType(value, actor),
      done: (type) => `/catalog/credential-types/${type.id}?notice=created`,
      view: 'catalog/credential-type-form',
      model: (errors) => this.views.form(title, action, action, body, errors),
    });
  }

  @Get('credential-types/:id')
  @Render('catalog/credential-type')
  async showType(@Param('id', new ParseUUIDPipe()) id: string, @Query('notice') notice?: string) {
    const type = credentialTypeView(await this.catalog.getCredentialType(id));
    const usedBy = await this.catalog.findPracticeRolesRequiring(id);
    return { title: type.name, type, usedBy, notice: NOTICES[notice ?? ''] };
  }

  @Get('credential-types/:id/edit')
  @Roles('admin')
  @Render('catalog/credential-type-form')
  async editType(@Param('id', new ParseUUIDPipe()) id: string) {
    const type = credentialTypeView(await this.catalog.getCredentialType(id));
    return this.views.form(`Edit ${type.code}`, `/catalog/credential-types/${id}`, `/catalog/credential-types/${id}`, {
      ...type,
      reminderDays: type.reminderDays.join(', '),
    });
  }

  @Post('credential-types/:id')
  @Roles('admin')
  async updateType(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const title = `Edit ${(await this.catalog.getCredentialType(id)).code}`;
    const action = `/catalog/credential-types/${id}`;
    return submitForm(res, {
      dto: CreateCredentialTypeDto,
      body,
      run: (value) => this.catalog.updateCredentialType(id, value, actor),
      done: () => `${action}?notice=saved`,
      view: 'catalog/credential-type-form',
      model: (errors) => this.views.form(title, action, action, body, errors),
    });
  }

  @Get('practice-roles')
  @Render('catalog/practice-roles')
  async roles() {
    return this.views.roles();
  }

  @Get('practice-roles/:id')
  async showRole(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('catalog/practice-role', await this.views.role(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  /**
   * The rule editor on the role's page posts here: an add/remove button re-shows the page with the
   * changed draft; saving goes through the same service call as `PUT /api/v1/practice-roles/:id/rule`,
   * and anything it refuses is shown beside the field it concerns, with the draft kept.
   */
  @Post('practice-roles/:id/rule')
  @HttpCode(200)
  @Roles('admin')
  async replaceRule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const draft = draftFromBody(body);
    if (applyPostedEdit(draft, body))
      return res.render('catalog/practice-role', await this.views.role(id, user, { draft }));
    return submitForm(res, {
      dto: ReplaceRuleDto,
      body: ruleReplacement(draft),
      run: ({ rule, effectiveFrom, note }) => this.catalog.replaceRule(id, rule, actor, { effectiveFrom, note }),
      done: () => `/catalog/practice-roles/${id}?notice=rule-saved#history`,
      view: 'catalog/practice-role',
      model: (errors) => this.views.role(id, user, { draft, errors }),
    });
  }

  /** Move up / Move down on the role's page: the same call as `POST /api/v1/practice-roles/:id/position`. */
  @Post('practice-roles/:id/position')
  @Roles('admin')
  async move(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: MovePracticeRoleDto,
      body,
      run: ({ direction }) => this.order.move(id, direction, actor),
      done: () => `/catalog/practice-roles/${id}?notice=moved#order`,
      view: 'catalog/practice-role',
      model: (errors) => this.views.role(id, user, { notice: errors.direction ?? errors.form }),
    });
  }
}
