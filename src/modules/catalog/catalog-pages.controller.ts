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
import { LONG_MONTHS } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { CatalogService, inForceOn } from './catalog.service';
import { credentialTypeView, practiceRoleView, ruleInWords, versionSpanInWords } from './catalog.views';
import { CREDENTIAL_KINDS, DEFAULT_REMINDER_DAYS } from './credential-type.entity';
import { CreateCredentialTypeDto } from './dto/credential-type.dto';
import { ReplaceRuleDto } from './dto/practice-role.dto';
import { applyPostedEdit, draftFromBody, editorTree, rowsFromRule, ruleReplacement, type RuleDraft } from './rule-form';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import type { Actor } from '../../common/auth/actor';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';

type FormBody = Record<string, unknown>;
const MONTHS = LONG_MONTHS.map((name, i) => ({ value: i + 1, name }));
const NOTICES: Record<string, string> = {
  created: 'Credential type added.',
  saved: 'Changes saved.',
  'rule-saved': 'The new rule version is recorded; see it in the history below.',
};
const ADDABLE_KINDS = [
  { value: 'credential', label: 'A credential' },
  { value: 'practice_role', label: 'Cleared as another practice role' },
  { value: 'lived_experience', label: 'Lived experience, verified' },
  { value: 'active_supervision', label: 'Active qualified supervision' },
  { value: 'all_of', label: 'A group: all of…' },
  { value: 'any_of', label: 'A group: any one of…' },
];

@ApiExcludeController()
@Controller('catalog')
export class CatalogPagesController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
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
    return this.formModel('Add a credential type', '/catalog/credential-types', '/catalog/credential-types', {
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
      model: (errors) => this.formModel(title, action, action, body, errors),
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
    return this.formModel(`Edit ${type.code}`, `/catalog/credential-types/${id}`, `/catalog/credential-types/${id}`, {
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
      model: (errors) => this.formModel(title, action, action, body, errors),
    });
  }

  @Get('practice-roles')
  @Render('catalog/practice-roles')
  async roles() {
    const roles = await this.catalog.listPracticeRoles();
    const names = await this.names(roles);
    return {
      title: 'Practice roles',
      roles: roles.map((r) => ({ ...practiceRoleView(r), rule: r.rule ? ruleInWords(r.rule, names) : null })),
    };
  }

  @Get('practice-roles/:id')
  async showRole(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('catalog/practice-role', await this.roleModel(id, user, { notice: NOTICES[notice ?? ''] }));
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
      return res.render('catalog/practice-role', await this.roleModel(id, user, { draft }));
    return submitForm(res, {
      dto: ReplaceRuleDto,
      body: ruleReplacement(draft),
      run: ({ rule, effectiveFrom, note }) => this.catalog.replaceRule(id, rule, actor, { effectiveFrom, note }),
      done: () => `/catalog/practice-roles/${id}?notice=rule-saved#history`,
      view: 'catalog/practice-role',
      model: (errors) => this.roleModel(id, user, { draft, errors }),
    });
  }

  private async roleModel(
    id: string,
    user: AuthUser,
    extra: { notice?: string; draft?: RuleDraft; errors?: Record<string, string> | null } = {},
  ) {
    const found = await this.catalog.getPracticeRole(id);
    const roles = await this.catalog.listPracticeRoles();
    const names = await this.names(roles);
    const view = practiceRoleView(found);
    const authors = await this.catalog.namesOf(
      view.versions.map((v) => v.createdById).filter((id): id is string => id !== null),
    );
    const today = this.config.today();
    const model = {
      title: found.role.name,
      notice: extra.notice,
      role: view,
      rule: found.rule ? ruleInWords(found.rule, names) : null,
      ruleJson: JSON.stringify(found.rule, null, 2),
      // Newest first: what changed last is what people come to check.
      history: [...view.versions].reverse().map((v) => ({
        ...v,
        span: versionSpanInWords(v),
        inForce: inForceOn(v, today),
        by: v.createdById ? (authors.get(v.createdById) ?? null) : null,
        rule: v.rule ? ruleInWords(v.rule, names) : null,
      })),
    };
    if (!hasRole(user, 'admin')) return model;
    // Edits start from the newest version (it may be scheduled for later): a change comes after it.
    const latest = view.versions[view.versions.length - 1];
    const earliest = latest?.effectiveFrom && latest.effectiveFrom > today ? latest.effectiveFrom : today;
    const draft = extra.draft ?? { rows: rowsFromRule(latest?.rule ?? null), effectiveFrom: earliest, note: '' };
    const errors = extra.errors ?? null;
    const types = names.types;
    const roleOptions = roles
      .filter((r) => r.role.id !== found.role.id)
      .map((r) => ({ code: r.role.code, name: r.role.name }));
    const typeOptions = [...types.values()].map((t) => ({ code: t.code, name: t.name, inactive: !t.active }));
    return {
      ...model,
      editor: {
        open: !!extra.draft,
        errors,
        startsFrom:
          latest && latest.effectiveFrom && latest.effectiveFrom > today
            ? { version: latest.version, from: latest.effectiveFrom }
            : null,
        earliest,
        effectiveFrom: draft.effectiveFrom,
        note: draft.note,
        tree: editorTree(draft.rows, errors, {
          credential: new Set(typeOptions.map((t) => t.code)),
          practice_role: new Set(roleOptions.map((r) => r.code)),
        }),
        typeOptions,
        roleOptions,
        kinds: ADDABLE_KINDS,
      },
    };
  }

  private async names(roles: Awaited<ReturnType<CatalogService['listPracticeRoles']>>) {
    const types = await this.catalog.listCredentialTypes({ includeInactive: true });
    return {
      types: new Map(types.map((t) => [t.code.toUpperCase(), t])),
      roles: new Map(roles.map(({ role }) => [role.code.toUpperCase(), role])),
    };
  }

  private formModel(
    title: string,
    action: string,
    cancel: string,
    values: object,
    errors: Record<string, string> | null = null,
  ) {
    const v = values as { active?: unknown; termsPublished?: unknown; fixedDateLeadVerified?: unknown };
    const last = (x: unknown) => (Array.isArray(x) ? x[x.length - 1] : x);
    const active = last(v.active);
    const published = v.termsPublished === undefined ? true : last(v.termsPublished);
    const leadVerified = v.fixedDateLeadVerified === undefined ? true : last(v.fixedDateLeadVerified);
    return {
      title,
      action,
      cancel,
      values: {
        ...values,
        active: active === true || active === 'true' || active === 'on',
        termsPublished: published === true || published === 'true' || published === 'on',
        fixedDateLeadVerified: leadVerified === true || leadVerified === 'true' || leadVerified === 'on',
      },
      errors,
      kinds: CREDENTIAL_KINDS,
      months: MONTHS,
    };
  }
}
