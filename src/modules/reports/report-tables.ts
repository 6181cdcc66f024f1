import { addDays, type IsoDate } from '../../common/dates';
import { renewalReadiness } from '../ce/renewal-readiness';
import type { BriefBoard } from '../clearance/clearance.service';
import { credentialStanding } from '../credentials/credential-status';
import type { CeRow, RosterRow } from './credential-reports.repository';
import type { SupervisionMonthRow } from './people-reports.repository';
import type { ReportColumn } from './report-definitions';
import type { AttendedRow, CompletionRow } from './training-reports.repository';

/*
 * Each report's table from the rows its repository read: columns, rows and the totals above them. Pure, so
 * the service is only the filters and the reads.
 */

const text = (key: string, label: string): ReportColumn => ({ key, label, type: 'text' });
const num = (key: string, label: string): ReportColumn => ({ key, label, type: 'number' });
const day = (key: string, label: string): ReportColumn => ({ key, label, type: 'date' });
const round2 = (n: number) => Math.round(n * 100) / 100;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Training activity by course and setting: attendance and completions grouped, with the totals above them. */
export function trainingActivityTable(attended: AttendedRow[], completions: CompletionRow[]) {
  type Group = {
    code: string;
    title: string;
    setting: string;
    cohorts: Set<string>;
    sessions: Set<string>;
    people: Set<string>;
    hours: number;
    completions: number;
  };
  const groups = new Map<string, Group>();
  const group = (r: { courseId: string; code: string; title: string; setting: string }) => {
    const k = `${r.code}|${r.setting}|${r.courseId}`;
    let g = groups.get(k);
    if (!g)
      groups.set(
        k,
        (g = {
          code: r.code,
          title: r.title,
          setting: r.setting,
          cohorts: new Set(),
          sessions: new Set(),
          people: new Set(),
          hours: 0,
          completions: 0,
        }),
      );
    return g;
  };
  for (const a of attended) {
    const g = group(a);
    g.cohorts.add(a.cohortId);
    g.sessions.add(a.sessionId);
    g.people.add(a.personId);
    g.hours += a.hours;
  }
  for (const c of completions) {
    const g = group(c);
    g.cohorts.add(c.cohortId);
    g.completions++;
  }
  const rows = [...groups.values()]
    .sort((a, b) => a.code.localeCompare(b.code) || a.setting.localeCompare(b.setting))
    .map((g) => ({
      course_code: g.code,
      course: g.title,
      setting: g.setting,
      cohorts: g.cohorts.size,
      sessions: g.sessions.size,
      people_trained: g.people.size,
      hours_delivered: round2(g.hours),
      completions: g.completions,
    }));
  return {
    columns: [
      text('course_code', 'Course code'),
      text('course', 'Course'),
      text('setting', 'Setting'),
      num('cohorts', 'Cohorts'),
      num('sessions', 'Sessions attended'),
      num('people_trained', 'People trained'),
      num('hours_delivered', 'Hours delivered (person-hours)'),
      num('completions', 'Completions'),
    ],
    rows,
    summary: [
      { label: 'People trained', value: new Set(attended.map((a) => a.personId)).size },
      { label: 'Hours delivered', value: round2(attended.reduce((n, a) => n + a.hours, 0)) },
      { label: 'Completions', value: completions.length },
      {
        label: 'People trained in jail cohorts',
        value: new Set(attended.filter((a) => a.setting === 'jail').map((a) => a.personId)).size,
      },
    ],
  };
}

/** The credential roster: each credential's dates and its status on `date`. */
export function rosterTable(rows: RosterRow[], date: IsoDate) {
  const out = rows.map((c) => {
    const standing = credentialStanding(c, c, date);
    const suspended =
      c.suspendedFrom !== null && c.suspendedFrom <= date && (c.suspendedUntil === null || date <= c.suspendedUntil);
    const status =
      c.issuedOn > date
        ? 'not yet issued'
        : c.revokedOn !== null && c.revokedOn <= date
          ? 'revoked'
          : suspended
            ? 'suspended'
            : c.renewed
              ? 'renewed'
              : standing.standing;
    return {
      person: c.personName,
      person_id: c.personId,
      credential_code: c.code,
      credential: c.typeName,
      licence_number: c.licenceNumber,
      source: c.source,
      issued_on: c.issuedOn,
      expires_on: c.expiresOn,
      status,
      days_to_expiry: status === 'renewed' || status === 'revoked' ? null : standing.daysToExpiry,
      revoked_on: c.revokedOn,
      verified_on: c.verifiedOn,
    };
  });
  const count = (s: string) => out.filter((r) => r.status === s).length;
  return {
    columns: [
      text('person', 'Person'),
      text('person_id', 'Person id'),
      text('credential_code', 'Code'),
      text('credential', 'Credential'),
      text('licence_number', 'Licence number'),
      text('source', 'Source'),
      day('issued_on', 'Issued'),
      day('expires_on', 'Expires'),
      text('status', 'Status'),
      num('days_to_expiry', 'Days to expiry'),
      day('revoked_on', 'Revoked'),
      day('verified_on', 'Verified'),
    ],
    rows: out,
    summary: [
      { label: 'Credentials', value: out.length },
      { label: 'Current', value: count('current') },
      { label: 'Expiring within 90 days', value: count('expiring') },
      { label: 'Lapsed (in grace)', value: count('grace') },
      { label: 'Expired or terminated', value: count('expired') + count('terminated') },
    ],
  };
}

/** Renewal readiness: each credential's renewal ahead (or in grace) against the CE hours confirmed for it. */
export function readinessTable(held: RosterRow[], ce: CeRow[], date: IsoDate) {
  const cePerPerson = groupBy(ce, (e) => e.personId);
  // Periods of one credential type for one person, oldest first (the roster is ordered by issue date).
  const perPersonType = groupBy(held, (c) => `${c.personId}|${c.code}`);
  const rows = [...perPersonType.values()]
    .map((periods) => {
      const current = periods[periods.length - 1];
      // Only a renewal still ahead, or one in its grace period, is something to get ready for.
      if (addDays(current.expiresOn!, current.graceDays) < date) return null;
      const r = renewalReadiness(
        current.code,
        current.renewalCeHours!,
        periods.map((p) => ({ issuedOn: p.issuedOn, expiresOn: p.expiresOn! })),
        cePerPerson.get(current.personId) ?? [],
        date,
      );
      return {
        person: current.personName,
        person_id: current.personId,
        credential_code: current.code,
        period_from: r.period.from,
        period_to: r.period.to,
        renewal_number: r.period.number,
        hours_needed: r.hoursNeeded,
        carried_forward: r.carriedForward,
        hours_done: r.hoursDone,
        hours_short: round2(Math.max(0, r.hoursNeeded - r.carriedForward - r.hoursDone)),
        days_left: r.daysLeft,
        ready: r.ready ? 'yes' : 'no',
        missing: r.missing.join('; '),
      };
    })
    .filter((r) => r !== null);
  return {
    columns: [
      text('person', 'Person'),
      text('person_id', 'Person id'),
      text('credential_code', 'Credential'),
      day('period_from', 'Period from'),
      day('period_to', 'Renewal due'),
      num('renewal_number', 'Period number'),
      num('hours_needed', 'CE hours required'),
      num('carried_forward', 'Carried forward'),
      num('hours_done', 'CE hours confirmed'),
      num('hours_short', 'Hours short'),
      num('days_left', 'Days left'),
      text('ready', 'Ready'),
      text('missing', 'Still missing'),
    ],
    rows,
    summary: [
      { label: 'Renewals ahead', value: rows.length },
      { label: 'Ready', value: rows.filter((r) => r.ready === 'yes').length },
      { label: 'Not ready', value: rows.filter((r) => r.ready === 'no').length },
    ],
  };
}

/** Supervision per peer per month: sessions, minutes and hours. */
export function supervisionTable(rows: SupervisionMonthRow[]) {
  return {
    columns: [
      text('peer', 'Peer'),
      text('peer_id', 'Peer id'),
      text('month', 'Month'),
      num('sessions', 'Sessions'),
      num('minutes', 'Minutes'),
      num('hours', 'Hours'),
    ],
    rows: rows.map((r) => ({
      peer: r.peerName,
      peer_id: r.peerId,
      month: r.month,
      sessions: r.sessions,
      minutes: r.minutes,
      hours: round2(r.minutes / 60),
    })),
    summary: [
      { label: 'Peers supervised', value: new Set(rows.map((r) => r.peerId)).size },
      { label: 'Sessions', value: rows.reduce((n, r) => n + r.sessions, 0) },
      { label: 'Hours', value: round2(rows.reduce((n, r) => n + r.minutes, 0) / 60) },
    ],
  };
}

/** Clearance on a date: one row per person and practice role of the board, narrowed to a team when one is given. */
export function clearanceTable(board: BriefBoard, team: Set<string> | null) {
  const rows = board.rows
    .filter((row) => !team || team.has(row.person.id))
    .flatMap((row) =>
      row.results.map((r) => ({
        person: row.person.name,
        person_id: row.person.id,
        role_code: r.role.code,
        role: r.role.name,
        status: r.status,
        cleared_until: r.clearedUntil,
        warning_until: r.warningUntil,
        why: r.status === 'not_cleared' ? (r.reason ?? '') : r.warnings.join(' '),
        last_supervision: row.lastSupervisionOn,
      })),
    );
  return {
    columns: [
      text('person', 'Person'),
      text('person_id', 'Person id'),
      text('role_code', 'Role code'),
      text('role', 'Practice role'),
      text('status', 'Status'),
      day('cleared_until', 'Cleared until'),
      day('warning_until', 'With a warning until'),
      text('why', 'Why'),
      day('last_supervision', 'Last supervision'),
    ],
    rows,
    summary: board.roles.map((role) => ({
      label: `Cleared: ${role.name}`,
      value: rows.filter((r) => r.role_code === role.code && r.status !== 'not_cleared').length,
    })),
  };
}
