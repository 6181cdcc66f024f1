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
  /** What needs attention, in words, worst first; none for the rest. */
  reasons: Reason[];
  /** The roles they work in today, in the catalogue's order. */
  roles: string[];
}

/** One thing that needs attention: `bad` stops them practising a role today, `warn` is coming. */
export interface Reason {
  text: string;
  tone: 'bad' | 'warn';
}

const worst = (reasons: Reason[]) => (reasons.some((r) => r.tone === 'bad') ? 0 : reasons.length ? 1 : 2);

/** The words for one supervisee's problems today: a role they work in not cleared or lapsing, and supervision overdue. */
export function attentionReasons(
  s: Pick<Supervisee, 'lastSessionOn' | 'overdue'>,
  row: (BriefBoardRow & { results: Array<{ reason?: string }> }) | undefined,
  today: IsoDate,
  gapDays: number,
): Reason[] {
  const reasons: Reason[] = [];
  const bad = (text: string) => reasons.push({ text, tone: 'bad' });
  const warn = (text: string) => reasons.push({ text, tone: 'warn' });
  if (row) {
    if (!row.rolesRecorded) warn('No practice role recorded: every role is shown on the board');
    for (const r of row.results) {
      if (!row.rolesRecorded || !counts(row, r.role.code, 'assigned')) continue;
      if (r.status === 'not_cleared')
        bad(`Not cleared as ${r.role.name}${r.reason ? ` (${r.reason.replace(/\.$/, '')})` : ''}`);
      else if (r.status === 'cleared_with_warning')
        warn(`${r.role.name}: cleared with a warning${r.warnings[0] ? ` (${r.warnings[0].replace(/\.$/, '')})` : ''}`);
      else if (isLapsing(r, today) && r.clearedUntil)
        warn(`${r.role.name}: clearance ends ${formatDate(r.clearedUntil)}`);
    }
  }
  if (s.overdue)
    warn(
      s.lastSessionOn
        ? `No supervision in ${gapDays} days (last ${formatDate(s.lastSessionOn)})`
        : 'No supervision session logged',
    );
  // What stops them practising today comes before what is coming.
  return [...reasons.filter((r) => r.tone === 'bad'), ...reasons.filter((r) => r.tone === 'warn')];
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
      // Someone not cleared today first, then the rest who need attention, each group by name.
      attention: lines
        .filter((l) => l.reasons.length > 0)
        .sort((x, y) => worst(x.reasons) - worst(y.reasons) || x.name.localeCompare(y.name)),
      rest: lines.filter((l) => l.reasons.length === 0),
    };
  }
}
