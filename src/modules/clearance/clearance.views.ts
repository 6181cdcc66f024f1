import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { daysBetween, formatDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { BriefClearance, ClearanceResult, RequirementResult } from './clearance-engine';
import { filteredRows } from './board-filters';
import { SupervisionService } from '../supervision/supervision.service';
import { ClearanceService } from './clearance.service';
import { BoardQuery, CHANGES_CHOICES, EXPIRING_CHOICES } from './dto/board.query';
import { pendingReviewText, type PendingReview } from './pending-reviews';
import { boardTiles, cellState, counts, type BoardPerson, type BoardRoleMode } from './board-cells';

export interface PendingLine {
  kind: PendingReview['kind'];
  credentialTypeCode: string | null;
  text: string;
}

/** What waits for review, in the words a page shows: "CPRS: Renewal submitted on Dec 3, 2026, awaiting review". */
export function pendingLines(reviews: PendingReview[]): PendingLine[] {
  return reviews.map((r) => ({
    kind: r.kind,
    credentialTypeCode: r.credentialTypeCode,
    text: r.credentialTypeCode ? `${r.credentialTypeCode}: ${pendingReviewText(r)}` : pendingReviewText(r),
  }));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The credential a requirement is about: the one that meets it, or for an unmet one the code its reason names
 * (every "why not" of a credential starts from the type's code), so a pending renewal shows beside it.
 */
function concerns(req: RequirementResult, code: string): boolean {
  if (req.kind !== 'credential') return false;
  if (req.satisfiedBy) return req.satisfiedBy.code.toUpperCase() === code.toUpperCase();
  return new RegExp(`(^|[^A-Za-z0-9-])${escapeRegExp(code)}([^A-Za-z0-9-]|$)`, 'i').test(req.reason);
}

function markRequirement(req: RequirementResult, reviews: PendingReview[]): RequirementResult & { pending?: string[] } {
  const pending = reviews
    .filter((r) => r.credentialTypeCode && concerns(req, r.credentialTypeCode))
    .map((r) => pendingReviewText(r));
  return {
    ...req,
    ...(pending.length ? { pending } : {}),
    ...(req.children ? { children: req.children.map((c) => markRequirement(c, reviews)) } : {}),
    ...(req.nested ? { nested: markResult(req.nested, reviews) } : {}),
  };
}

function markResult(result: ClearanceResult, reviews: PendingReview[]): ClearanceResult {
  return result.requirements ? { ...result, requirements: markRequirement(result.requirements, reviews) } : result;
}

/** Copies of the results with "… submitted on …, awaiting review" beside each requirement a waiting submission is about. */
export function withPendingBeside(results: ClearanceResult[], reviews: PendingReview[]): ClearanceResult[] {
  if (reviews.length === 0) return results;
  return results.map((r) => markResult(r, reviews));
}

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

/**
 * A cell as the board draws it: in colour for a role the person works in (or every role), else a quiet
 * "Eligible" or "—". Its accessible name says person, role and status, and holds the words it shows.
 */
function boardCell(
  row: BoardPerson & { person: { name: string } },
  result: BriefClearance,
  date: string,
  mode: BoardRoleMode,
) {
  const base = cell(result, date);
  const state = cellState(row, result, date, mode);
  const shown = [
    base.text,
    base.until ? ` until ${formatDate(base.until)}` : '',
    base.warningUntil ? `, with a warning to ${formatDate(base.warningUntil)}` : '',
    base.changesFrom ? ` rules change ${formatDate(base.changesFrom)}` : '',
  ].join('');
  const status =
    state === 'eligible' ? 'eligible (cleared, not assigned)' : state === 'not_assigned' ? 'not assigned' : shown;
  return {
    ...base,
    state,
    eligible: state === 'eligible',
    none: state === 'not_assigned',
    label: `${row.person.name}: ${result.role.name}, ${status.charAt(0).toLowerCase()}${status.slice(1)}`,
    // Read before a cell's visible words, so its name is who and which role, then exactly what it shows.
    namePrefix: `${row.person.name}: ${result.role.name}, `,
    roleName: result.role.name,
  };
}

const CSV_HEADER = [
  'person',
  'person_id',
  'role_code',
  'role',
  'status',
  'cleared_until',
  'warning_until',
  'why',
  'last_supervision',
  'assigned',
  'state',
];

/** The clearance pages' models: the person's clearance, the board and its CSV. */
@Injectable()
export class ClearanceViews {
  constructor(
    private readonly clearance: ClearanceService,
    private readonly config: AppConfig,
    private readonly supervision: SupervisionService,
  ) {}

  async person(id: string, user: AuthUser, date: string | undefined) {
    const result = await this.clearance.forPerson(id, user, this.clearance.dateOrToday(date));
    return {
      title: `Clearance: ${result.person.name}`,
      ...result,
      results: withPendingBeside(result.results, result.pendingReviews),
      pending: pendingLines(result.pendingReviews),
      asOf: result.date,
      wide: false,
    };
  }

  async board(user: AuthUser, query: BoardQuery) {
    const date = this.clearance.dateOrToday(query.date);
    const expiring = query.expiring ?? null;
    const changes = query.changes ?? null;
    const mode = query.roles ?? 'assigned';
    const board = await this.clearance.briefBoard(user, date, query.role ? [query.role] : undefined);
    const shown = filteredRows(board.rows, date, query);
    // One query for every row shown, never one per row.
    const pending = await this.clearance.pendingReviews(shown.map((row) => row.person.id));
    // Whom the viewer may log a session for (supervised today, whatever the board's date): one query too.
    const supervisees = hasRole(user, 'supervisor')
      ? await this.supervision.currentSuperviseeIds(user.id)
      : new Set<string>();
    const rows = shown.map((row) => {
      const cells = row.results.map((r) => boardCell(row, r, date, mode));
      return {
        person: row.person,
        pending: pendingLines(pending.get(row.person.id) ?? []),
        lastSupervisionOn: row.lastSupervisionOn,
        supervisionGap: row.supervisionGap,
        canLogSession: supervisees.has(row.person.id),
        rolesRecorded: row.rolesRecorded,
        results: row.results,
        cells,
        // The phone's card: only the roles that count.
        cardCells: cells.filter((c) => !c.eligible && !c.none),
      };
    });
    const csvQuery = new URLSearchParams(
      Object.entries({
        date,
        role: query.role ?? '',
        expiring: expiring ? String(expiring) : '',
        changes: changes ? String(changes) : '',
        roles: query.roles ?? '',
      }).filter(([, v]) => v !== ''),
    ).toString();
    return {
      title: 'Clearance board',
      gapDays: this.config.supervisionGapDays,
      asOf: date,
      wide: true,
      roles: board.roles,
      allRoles: await this.clearance.roles(),
      rows,
      query: { role: query.role ?? '', expiring, changes, roles: mode },
      everyRole: mode === 'all',
      tiles: boardTiles(shown, date, mode),
      expiringChoices: EXPIRING_CHOICES,
      changesChoices: CHANGES_CHOICES,
      csvHref: `/clearance.csv?${csvQuery}`,
      people: rows.length,
      // Of the people the role counts for (those who work in it, by default), how many are cleared.
      clearedPerRole: board.roles.map((role, i) => {
        const counted = shown.filter((r) => counts(r, role.code, mode));
        return { cleared: counted.filter((r) => r.results[i].status !== 'not_cleared').length, of: counted.length };
      }),
    };
  }

  /** The board as CSV, one line per person and role, with the reason a role is not cleared. */
  async boardCsv(user: AuthUser, query: BoardQuery): Promise<{ fileName: string; body: string }> {
    const date = this.clearance.dateOrToday(query.date);
    const mode = query.roles ?? 'assigned';
    const board = await this.clearance.briefBoard(user, date, query.role ? [query.role] : undefined, { reasons: true });
    const records = filteredRows(board.rows, date, query).flatMap((row) =>
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
        row.assignedRoles.includes(r.role.code) ? 'yes' : 'no',
        cellState(row, r, date, mode),
      ]),
    );
    return {
      fileName: `clearance-${date}.csv`,
      body: stringify([CSV_HEADER, ...records], { escape_formulas: true }),
    };
  }
}
