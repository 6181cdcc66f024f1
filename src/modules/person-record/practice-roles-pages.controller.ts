import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm, type FormErrors } from '../../common/http/form-post';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor } from '../../common/auth/decorators';
import { AppConfig } from '../../config/app-config';
import { AssignPracticeRoleDto, EndPracticeRoleDto } from '../practice-assignments/dto/practice-assignment.dto';
import { PracticeAssignmentsService } from '../practice-assignments/practice-assignments.service';
import { practiceRolesView } from './practice-roles.views';

type FormBody = Record<string, unknown>;

/**
 * Assigning and ending the practice roles a person works in, from their page. The forms sit on the person page;
 * a refusal shows them again on a page of their own with the messages and the draft. Who may: the service.
 */
@ApiExcludeController()
@Controller('people/:id/practice-roles')
export class PracticeRolesPagesController {
  constructor(
    private readonly assignments: PracticeAssignmentsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    return res.render('people/practice-roles', await this.model(id, user));
  }

  @Post()
  async assign(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.assignments.assertManages(id, user);
    return submitForm(res, {
      dto: AssignPracticeRoleDto,
      body,
      run: (value) => this.assignments.assign(id, value, user, actor),
      done: () => `/people/${id}?notice=practice-role-assigned#practice-roles`,
      view: 'people/practice-roles',
      model: (errors) => this.model(id, user, { errors, values: body }),
    });
  }

  @Post(':assignmentId/end')
  async end(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('assignmentId', new ParseUUIDPipe()) assignmentId: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.assignments.assertManages(id, user);
    return submitForm(res, {
      dto: EndPracticeRoleDto,
      body,
      run: (value) => this.assignments.end(id, assignmentId, value, user, actor),
      done: () => `/people/${id}?notice=practice-role-ended#practice-roles`,
      view: 'people/practice-roles',
      model: (endErrors) => this.model(id, user, { endErrors }),
    });
  }

  private async model(
    id: string,
    user: AuthUser,
    extra: { errors?: FormErrors; values?: FormBody; endErrors?: FormErrors } = {},
  ) {
    const [list, options] = await Promise.all([this.assignments.listFor(id, user), this.assignments.roleOptions()]);
    return {
      title: `${list.person.name}: practice roles`,
      practiceRoles: practiceRolesView(list, options, this.config.today(), extra),
    };
  }
}
