import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor } from '../../common/auth/decorators';
import { AssignPracticeRoleDto, EndPracticeRoleDto } from './dto/practice-assignment.dto';
import { PracticeAssignmentsService } from './practice-assignments.service';

/** The practice roles a person works in (the page is in person-record). Scope and who may change them: the service. */
@ApiTags('practice-role assignments')
@ApiBearerAuth()
@Controller('api/v1/people/:id/practice-role-assignments')
export class PracticeAssignmentsController {
  constructor(private readonly assignments: PracticeAssignmentsService) {}

  @Get()
  @ApiOperation({ summary: 'The practice roles this person works in, past, current and planned' })
  list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return this.assignments.listFor(id, user);
  }

  @Post()
  @ApiOperation({ summary: 'Assign a practice role from a date (admin, or the person’s supervisor)' })
  assign(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: AssignPracticeRoleDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.assignments.assign(id, dto, user, actor);
  }

  @Post(':assignmentId/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End an assignment on its last day; it is kept, never deleted' })
  end(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('assignmentId', new ParseUUIDPipe()) assignmentId: string,
    @Body() dto: EndPracticeRoleDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.assignments.end(id, assignmentId, dto, user, actor);
  }
}
