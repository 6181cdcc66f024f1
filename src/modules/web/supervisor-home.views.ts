import { Injectable } from '@nestjs/common';
import { formatDate, type IsoDate } from '../../common/dates';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import { counts, isLapsing } from '../clearance/board-cells';
import { ClearanceService, type BriefBoardRow } from '../clearance/clearance.service';
import { SupervisionService, type Supervisee } from '../supervision/supervision.service';

export interface SuperviseeLine {
  id: string;
  name: string;
  lastSessionOn: IsoDate | null;
  minutesThisMonth: number;
  /** What needs attention, in words; none for the rest. */
  reasons: string[];
  /** The roles they work in today, in the catalogue's order. */
  roles: string[];
}

/** The words for one supervisee's problems today: a role they work in not cleared or lapsing, and supervision overdue. */
export function attentionReasons(
  s: Pick<Supervisee, 'lastSessionOn' | 'overdue'>,
  row: (BriefBoardRow & { results: Array<{ reason?: string }> }) | undefined,
  today: IsoDate,
  gapDays: number,
): string[] {
  const reasons: string[] = [];
  if (row) {
    if (!row.rolesRecorded) reasons.push('No practice role recorded: every role is shown on the board');
    for (const r of row.results) {
      if (!row.rolesRecorded || !counts(row, r.role.code, 'assigned')) continue;
      if (r.status === 'not_cleared')
        reasons.push(`Not cleared as ${r.role.name}${r.reason ? ` (${r.reason.replace(/\.$/, '')})` : ''}`);
      else if (r.status === 'cleared_with_warning')
        reasons.push(
          `${r.role.name}: cleared with a warning${r.warnings[0] ? ` (${r.warnings[0].replace(/\.$/, '')})` : ''}`,
        );
      else if (isLapsing(r, today) && r.clearedUntil)
        reasons.push(`${r.role.name}: clearance ends ${formatDate(r.clearedUntil)}`);
    }
  }
  if (s.overdue)
    reasons.push(
      s.lastSessionOn
        ? `No supervision in ${gapDays} days (last ${formatDate(s.lastSessionOn)})`
        : 'No supervision session logged',
    );
  return reasons;
}

/**
 * The supervisor's home: their supervisees who need attention first (not cleared in a role they work in, a
 * clearance lapsing within 30 days, no supervision in SUPERVISION_GAP_DAYS), each with the reason in words,
 * then the rest. Two questions of other features, whatever the number of supervisees.
 */
@Injectable()
export class SupervisorHomeViews {
  constructor(
    private readonly clearance: ClearanceService,
    private readonly supervision: SupervisionService,
    private readonly config: AppConfig,
  ) {}

  async forUser(user: AuthUser): Promise<{ attention: SuperviseeLine[]; rest: SuperviseeLine[] } | null> {
    if (!hasRole(user, 'supervisor') || hasRole(user, 'admin')) return null;
    const today = this.config.today();
    const [supervisees, board] = await Promise.all([
      this.supervision.superviseesOf(user),
      this.clearance.briefBoard(user, today, undefined, { reasons: true }),
    ]);
    const rows = new Map(board.rows.map((r) => [r.person.id, r]));
    const lines = supervisees.map((s): SuperviseeLine => {
      const row = rows.get(s.id);
      const assigned = new Set(row?.assignedRoles ?? []);
      return {
        id: s.id,
        name: s.name,
        lastSessionOn: s.lastSessionOn,
        minutesThisMonth: s.minutesThisMonth,
        reasons: attentionReasons(s, row, today, this.config.supervisionGapDays),
        roles: board.roles.filter((r) => assigned.has(r.code)).map((r) => r.name),
      };
    });
    return {
      attention: lines.filter((l) => l.reasons.length > 0),
      rest: lines.filter((l) => l.reasons.length === 0),
    };
  }
}
