import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Redirect, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { formErrorsFrom } from '../../common/http/form-errors';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { CatalogService, inForceOn } from './catalog.service';
import { credentialTypeView, practiceRoleView, ruleInWords, versionSpanInWords } from './catalog.views';
import { CREDENTIAL_KINDS, DEFAULT_REMINDER_DAYS } from './credential-type.entity';
import { CreateCredentialTypeDto } from './dto/credential-type.dto';
import type { Actor } from '../audit/actor';
import { RequestActor, Roles } from '../auth/decorators';

type FormBody = Record<string, unknown>;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'].map((name, i) => ({
  value: i + 1,
  name,
}));
const NOTICES: Record<string, string> = { created: 'Credential type added.', saved: 'Changes saved.' };

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
    const { value, errors } = await validateForm(CreateCredentialTypeDto, body);
    if (value) {
      try {
        const type = await this.catalog.createCredentialType(value, actor);
        return res.redirect(303, `/catalog/credential-types/${type.id}?notice=created`);
      } catch (e) {
        return res
          .status(400)
          .render(
            'catalog/credential-type-form',
            this.formModel('Add a credential type', '/catalog/credential-types', '/catalog/credential-types', body, formErrorsFrom(e)),
          );
      }
    }
    return res
      .status(400)
      .render('catalog/credential-type-form', this.formModel('Add a credential type', '/catalog/credential-types', '/catalog/credential-types', body, errors));
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
  async updateType(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    const existing = await this.catalog.getCredentialType(id);
    const title = `Edit ${existing.code}`;
    const { value, errors } = await validateForm(CreateCredentialTypeDto, body);
    if (value) {
      try {
        await this.catalog.updateCredentialType(id, value, actor);
        return res.redirect(303, `/catalog/credential-types/${id}?notice=saved`);
      } catch (e) {
        return res
          .status(400)
          .render(
            'catalog/credential-type-form',
            this.formModel(title, `/catalog/credential-types/${id}`, `/catalog/credential-types/${id}`, body, formErrorsFrom(e)),
          );
      }
    }
    return res
      .status(400)
      .render('catalog/credential-type-form', this.formModel(title, `/catalog/credential-types/${id}`, `/catalog/credential-types/${id}`, body, errors));
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
  @Render('catalog/practice-role')
  async showRole(@Param('id', new ParseUUIDPipe()) id: string) {
    const found = await this.catalog.getPracticeRole(id);
    const names = await this.names(await this.catalog.listPracticeRoles());
    const view = practiceRoleView(found);
    const authors = await this.catalog.namesOf(view.versions.map((v) => v.createdById).filter((id): id is string => id !== null));
    return {
      title: found.role.name,
      role: view,
      rule: found.rule ? ruleInWords(found.rule, names) : null,
      ruleJson: JSON.stringify(found.rule, null, 2),
      // Newest first: what changed last is what people come to check.
      history: [...view.versions].reverse().map((v) => ({
        ...v,
        span: versionSpanInWords(v),
        inForce: inForceOn(v, this.config.today()),
        by: v.createdById ? (authors.get(v.createdById) ?? null) : null,
        rule: v.rule ? ruleInWords(v.rule, names) : null,
      })),
    };
  }

  private async names(roles: Awaited<ReturnType<CatalogService['listPracticeRoles']>>) {
    const types = await this.catalog.listCredentialTypes({ includeInactive: true });
    return {
      types: new Map(types.map((t) => [t.code.toUpperCase(), t])),
      roles: new Map(roles.map(({ role }) => [role.code.toUpperCase(), role])),
    };
  }

  private formModel(title: string, action: string, cancel: string, values: object, errors: Record<string, string> | null = null) {
    const v = values as { active?: unknown; termsPublished?: unknown };
    const last = (x: unknown) => (Array.isArray(x) ? x[x.length - 1] : x);
    const active = last(v.active);
    const published = v.termsPublished === undefined ? true : last(v.termsPublished);
    return {
      title,
      action,
      cancel,
      values: {
        ...values,
        active: active === true || active === 'true' || active === 'on',
        termsPublished: published === true || published === 'true' || published === 'on',
      },
      errors,
      kinds: CREDENTIAL_KINDS,
      months: MONTHS,
    };
  }
}
