import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { addDays, daysBetween } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import type { BriefClearance } from './clearance-engine';
import { ClearanceService, type BriefBoardRow } from './clearance.service';
import { AppConfig } from '../../config/app-config';
import { BoardQuery, CHANGES_CHOICES, EXPIRING_CHOICES } from './dto/board.query';
import { pendingLines, withPendingBeside } from './clearance.views';

/** A cell of the board: colour AND words, so it reads without colour too. */
function cell(result: BriefClearance, date: string) {
  const until = result.clearedUntil;
  const soon = until !== null && daysBetween(date, until) <= 30;
  const tone =
    result.status === 'not_cleared' ? 'bad' : result.status === 'cleared_with_warning' || soon ? 'warn' : 'ok';
  const text =
    result.status === 'not_cleared' ? 'Not cleared' : result.status === 'cleared_with_warning' ? 'Warning' : 'Cleared';
  // A rule that starts later is a heads-up beside the status, not a warning.
  // Cleared now, then a lapse ahead: the day the warning starts, and the last day cleared at all.
  const warningUntil = result.status === 'cleared' ? result.warningUntil : null;
  return { code: result.role.code, tone, text, until, warningUntil, changesFrom: result.notices[0]?.from ?? null };
}

/** With `days`, only the people one of whose clearances ends within that many days of `date`. */
function endingWithin(rows: BriefBoardRow[], date: string, days: number | null): BriefBoardRow[] {
  if (days === null) return rows;
  const limit = addDays(date, days);
  return rows.filter((row) => row.results.some((r) => r.clearedUntil !== null && r.clearedUntil <= limit));
}

/** With `days`, only the people for one of whose roles a rule starts within that many days of `date` (a notice). */
export function changesWithin<R extends { results: BriefClearance[] }>(
  rows: R[],
  date: string,
  days: number | null,
): R[] {
  if (days === null) return rows;
  const limit = addDays(date, days);
  return rows.filter((row) => row.results.some((r) => r.notices.some((n) => n.from <= limit)));
}

@ApiExcludeController()
@Controller()
export class ClearancePagesController {
  constructor(
    private readonly clearance: ClearanceService,
    private readonly config: AppConfig,
  ) {}

  /** One person's clearance for every practice role, each explained requirement by requirement. */
  @Get('people/:id/clearance')
  async person(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query('date') date: string | undefined,
    @Res() res: Response,
  ) {
    const result = await this.clearance.forPerson(id, user, this.clearance.dateOrToday(date));
    return res.render('clearance/person', {
      title: `Clearance: ${result.person.name}`,
      ...result,
      results: withPendingBeside(result.results, result.pendingReviews),
      pending: pendingLines(result.pendingReviews),
      asOf: result.date,
      wide: false,
    });
  }

  /** Who may practise what, for every peer the viewer may see; filters by role and by clearance ending soon. */
  @Get('clearance')
  @Roles('supervisor', 'admin')
  async board(@CurrentUser() user: AuthUser, @Query() query: BoardQuery, @Res() res: Response) {
    const date = this.clearance.dateOrToday(query.date);
    const expiring = query.expiring ?? null;
    const changes = query.changes ?? null;
    const board = await this.clearance.briefBoard(user, date, query.role ? [query.role] : undefined);
    const shown = changesWithin(endingWithin(board.rows, date, expiring), date, changes);
    // One query for every row shown, never one per row.
    const pending = await this.clearance.pendingReviews(shown.map((row) => row.person.id));
    const rows = shown.map((row) => ({
      person: row.person,
      pending: pendingLines(pending.get(row.person.id) ?? []),
      lastSupervisionOn: row.lastSupervisionOn,
      supervisionGap: row.supervisionGap,
      results: row.results,
      cells: row.results.map((r) => cell(r, date)),
    }));
    const csvQuery = new URLSearchParams(
      Object.entries({
        date,
        role: query.role ?? '',
        expiring: expiring ? String(expiring) : '',
        changes: changes ? String(changes) : '',
      }).filter(([, v]) => v !== ''),
    ).toString();
    return res.render('clearance/board', {
      title: 'Clearance board',
      gapDays: this.config.supervisionGapDays,
      asOf: date,
      wide: true,
      roles: board.roles,
      allRoles: await this.clearance.roles(),
      rows,
      query: { role: query.role ?? '', expiring, changes },
      expiringChoices: EXPIRING_CHOICES,
      changesChoices: CHANGES_CHOICES,
      csvHref: `/clearance.csv?${csvQuery}`,
      people: rows.length,
      clearedPerRole: board.roles.map((_, i) => rows.filter((r) => r.results[i].status !== 'not_cleared').length),
    });
  }

  @Get('clearance.csv')
  @Roles('supervisor', 'admin')
  async csv(@CurrentUser() user: AuthUser, @Query() query: BoardQuery, @Res() res: Response) {
    const date = this.clearance.dateOrToday(query.date);
    const board = await this.clearance.briefBoard(user, date, query.role ? [query.role] : undefined, { reasons: true });
    const expiring = query.expiring ?? null;
    const changes = query.changes ?? null;
    const records = changesWithin(endingWithin(board.rows, date, expiring), date, changes).flatMap((row) =>
      row.results.map((r) => [
        row.person.name,
        row.person.id,
        r.role.code,
        r.role.name,
        r.status,
        r.clearedUntil ?? '',
        r.warningUntil ?? '',
        r.status === 'not_cleared'
          ? (r.reason ?? '')
          : [...r.warnings, ...r.notices.map((n) => `${n.text}.`)].join(' '),
        row.lastSupervisionOn ?? '',
      ]),
    );
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="clearance-${date}.csv"`);
    res.send(
      stringify(
        [
          [
            'person',
            'person_id',
            'role_code',
            'role',
            'status',
            'cleared_until',
            'warning_until',
            'why',
            'last_supervision',
          ],
          ...records,
        ],
        { escape_formulas: true },
      ),
    );
  }
}
