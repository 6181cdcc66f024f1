import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { ClearanceService } from './clearance.service';
import { filteredRows } from './board-filters';
import { boardTiles, cellState } from './board-cells';
import { BoardApiQuery, PersonClearanceQuery } from './dto/board.query';

@ApiTags('clearance')
@ApiBearerAuth()
@Controller('api/v1')
export class ClearanceController {
  constructor(private readonly clearance: ClearanceService) {}

  @Get('people/:id/clearance')
  @ApiOperation({ summary: 'Is this person cleared for each practice role (or one) on a date, why, and until when' })
  person(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query() query: PersonClearanceQuery,
  ) {
    return this.clearance.forPerson(id, user, this.clearance.dateOrToday(query.date), query.role);
  }

  @Get('clearance/board')
  @Roles('supervisor', 'admin')
  @ApiOperation({
    summary: 'Every peer you may see × every practice role (or the ones named), as of a date; filters as the page has',
  })
  async board(@CurrentUser() user: AuthUser, @Query() query: BoardApiQuery) {
    const board = await this.clearance.briefBoard(user, this.clearance.dateOrToday(query.date), query.role);
    const rows = filteredRows(board.rows, board.date, query);
    const mode = query.roles ?? 'assigned';
    const pending = await this.clearance.pendingReviews(rows.map((row) => row.person.id));
    return {
      date: board.date,
      roles: board.roles.map((r) => ({ code: r.code, name: r.name })),
      rolesShown: mode,
      tiles: boardTiles(rows, board.date, mode),
      rows: rows.map((row) => ({
        person: row.person,
        lastSupervisionOn: row.lastSupervisionOn,
        supervisionGap: row.supervisionGap,
        pendingReviews: pending.get(row.person.id) ?? [],
        // Beside the cells rather than in them, which keep the shape API clients already read.
        assignedRoles: row.assignedRoles,
        rolesRecorded: row.rolesRecorded,
        states: Object.fromEntries(row.results.map((r) => [r.role.code, cellState(row, r, board.date, mode)])),
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
