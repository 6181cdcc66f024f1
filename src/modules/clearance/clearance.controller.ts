import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { ClearanceService } from './clearance.service';

@ApiTags('clearance')
@ApiBearerAuth()
@Controller('api/v1')
export class ClearanceController {
  constructor(private readonly clearance: ClearanceService) {}

  @Get('people/:id/clearance')
  @ApiOperation({ summary: 'Is this person cleared for each practice role (or one) on a date, why, and until when' })
  @ApiQuery({
    name: 'role',
    required: false,
    description: 'A practice role, by code or name (any capitals), e.g. JAIL-SERVICES or "Jail services"',
  })
  @ApiQuery({ name: 'date', required: false, description: 'YYYY-MM-DD; today in the program time zone by default' })
  person(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query('role') role?: string,
    @Query('date') date?: string,
  ) {
    return this.clearance.forPerson(id, user, this.clearance.dateOrToday(date), role || undefined);
  }

  @Get('clearance/board')
  @Roles('supervisor', 'admin')
  @ApiOperation({ summary: 'Every peer you may see × every practice role (or the ones named), as of a date' })
  @ApiQuery({ name: 'role', required: false, isArray: true })
  @ApiQuery({ name: 'date', required: false })
  async board(@CurrentUser() user: AuthUser, @Query('date') date?: string, @Query('role') role?: string | string[]) {
    const board = await this.clearance.briefBoard(
      user,
      this.clearance.dateOrToday(date),
      role === undefined ? undefined : [role].flat(),
    );
    const pending = await this.clearance.pendingReviews(board.rows.map((row) => row.person.id));
    return {
      date: board.date,
      roles: board.roles.map((r) => ({ code: r.code, name: r.name })),
      rows: board.rows.map((row) => ({
        person: row.person,
        lastSupervisionOn: row.lastSupervisionOn,
        supervisionGap: row.supervisionGap,
        pendingReviews: pending.get(row.person.id) ?? [],
        clearance: Object.fromEntries(
          row.results.map((r) => [
            r.role.code,
            {
              status: r.status,
              clearedUntil: r.clearedUntil,
              warningUntil: r.warningUntil,
              warnings: r.warnings,
              notices: r.notices,
            },
          ]),
        ),
      })),
    };
  }
}
