import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { addDays, type IsoDate } from '../../../common/dates';
import { sqlRows } from '../../../common/db/sql';
import type { AuditEvent } from '../../audit/audit.service';
import { assignmentProblem } from '../../supervision/assignment-rules';
import { AssignSupervisorDto } from '../../supervision/dto/supervision.dto';
import { SupervisionAssignment } from '../../supervision/supervision-assignment.entity';
import type { PersonRef } from '../import-lookups';
import {
  conflict,
  isProblem,
  problem,
  readDates,
  rejected,
  rowPerson,
  validateRow,
  type CheckerFactory,
  type ImportRowInput,
  type RowOutcome,
  type RowProblem,
} from './import-kind';

/** An assignment of one peer, stored or accepted from an earlier line (`line` set). */
interface Period {
  id: string;
  supervisorId: string;
  startsOn: IsoDate;
  endsOn: IsoDate | null;
  line: number | null;
}

type SupervisionWrite =
  | { op: 'insert'; peerId: string; period: Period; ends: Array<{ id: string; supervisorId: string; endsOn: IsoDate }> }
  | { op: 'end'; peerId: string; id: string; endsOn: IsoDate };

const PEER_KEYS = { email: 'peer_email', externalId: 'peer_external_id' };

/**
 * Supervision history: who supervised each peer and when. Periods of one peer never overlap, except
 * that an open-ended stored assignment that started earlier ends the day before the file's starts (as
 * assigning a new supervisor does). A row is the same assignment as one stored when peer, supervisor
 * and first day agree; a stored open end the file closes is an update, a different end a conflict.
 */
export const supervisionKind: CheckerFactory = async (env) => {
  const byPeer = new Map<string, Period[]>();
  const rows = await sqlRows<{
    id: string;
    peer_id: string;
    supervisor_id: string;
    starts_on: string;
    ends_on: string | null;
  }>(
    env.db,
    `SELECT id, peer_id, supervisor_id, CAST(starts_on AS TEXT) AS starts_on, CAST(ends_on AS TEXT) AS ends_on
       FROM supervision_assignments`,
  );
  for (const r of rows) {
    const period = {
      id: r.id,
      supervisorId: r.supervisor_id,
      startsOn: r.starts_on.slice(0, 10),
      endsOn: r.ends_on ? r.ends_on.slice(0, 10) : null,
      line: null,
    };
    byPeer.set(r.peer_id, [...(byPeer.get(r.peer_id) ?? []), period]);
  }
  const peerColumn = (row: ImportRowInput) =>
    row.text('peer_email') || !row.has('peer_external_id') ? 'peer_email' : 'peer_external_id';

  const check = async (row: ImportRowInput): Promise<RowOutcome<SupervisionWrite>> => {
    const problems: RowProblem[] = [];
    const peer = rowPerson(row, env, PEER_KEYS);
    if (isProblem(peer)) problems.push(peer);
    const supervisorText = row.text('supervisor');
    const supervisor = supervisorText ? env.people.byAnyKey(supervisorText) : null;
    if (typeof supervisor === 'string') problems.push(problem(row, 'supervisor', supervisor));
    const dates = readDates(row, env, ['from', 'to'], problems);
    const columns = { peerId: peerColumn(row), supervisorId: 'supervisor', startsOn: 'from', to: 'to' };
    const body = {
      peerId: isProblem(peer) ? '' : peer.id,
      supervisorId: supervisor && typeof supervisor !== 'string' ? supervisor.id : '',
      startsOn: dates.from ?? (row.text('from') ? 'not-a-date' : undefined),
      to: dates.to ?? undefined,
    };
    const valid = await validateRow(row, AssignSupervisorDto, body, columns);
    if (valid.problems) problems.push(...valid.problems.filter((p) => !problems.some((q) => q.column === p.column)));
    if (problems.length || isProblem(peer) || !supervisor || typeof supervisor === 'string' || !valid.value)
      return rejected(problems);
    const dto = valid.value;
    const refused = assignmentProblem({
      peer: party(peer),
      supervisor: party(supervisor),
      startsOn: dto.startsOn,
      to: dto.to,
    });
    if (refused) return rejected([problem(row, columns[refused.field], refused.message)]);
    return history(row, peer, supervisor, dto.startsOn, dto.to ?? null);
  };

  const history = async (
    row: ImportRowInput,
    peer: PersonRef,
    supervisor: PersonRef,
    startsOn: IsoDate,
    endsOn: IsoDate | null,
  ): Promise<RowOutcome<SupervisionWrite>> => {
    const periods = byPeer.get(peer.id) ?? [];
    const same = periods.find((p) => p.supervisorId === supervisor.id && p.startsOn === startsOn);
    if (same?.line != null) return rejected([problem(row, 'from', `is the same assignment as line ${same.line}`)]);
    if (same) {
      if (endsOn === null || endsOn === same.endsOn) return { result: 'unchanged' };
      if (same.endsOn !== null) return rejected([conflict(row, 'to', same.endsOn, endsOn)]);
      const clash = overlapping(periods, { startsOn, endsOn }, same);
      if (clash) return rejected([await overlapProblem(row, clash)]);
      same.endsOn = endsOn;
      return { result: 'updated', write: { op: 'end', peerId: peer.id, id: same.id, endsOn } };
    }
    // What assign() does: the open stored assignment that started earlier ends the day before.
    const ending = periods.filter((p) => p.line === null && p.endsOn === null && p.startsOn < startsOn);
    // The same supervisor open since another day is the stored assignment with a different first day.
    const moved = ending.find((p) => p.supervisorId === supervisor.id);
    if (moved) return rejected([conflict(row, 'from', moved.startsOn, startsOn)]);
    const clash = overlapping(periods, { startsOn, endsOn }, ...ending);
    if (clash) return rejected([await overlapProblem(row, clash)]);
    const ends = ending.map((p) => ({ id: p.id, supervisorId: p.supervisorId, endsOn: addDays(startsOn, -1) }));
    for (const p of ending) p.endsOn = addDays(startsOn, -1);
    const period: Period = { id: randomUUID(), supervisorId: supervisor.id, startsOn, endsOn, line: row.line };
    byPeer.set(peer.id, [...periods, period]);
    return { result: 'new', write: { op: 'insert', peerId: peer.id, period, ends } };
  };

  const overlapProblem = async (row: ImportRowInput, clash: Period): Promise<RowProblem> => {
    const [who] = await sqlRows<{ name: string }>(
      env.db,
      'SELECT COALESCE(preferred_name, name) AS name FROM people WHERE id = $1',
      [clash.supervisorId],
    );
    const span = `${clash.startsOn} to ${clash.endsOn ?? 'open-ended'}`;
    const where = clash.line === null ? 'already recorded' : `line ${clash.line}`;
    const hint = clash.line !== null && clash.endsOn === null ? `; give line ${clash.line} its last day` : '';
    return problem(
      row,
      'from',
      `overlaps this peer's supervision by ${who?.name ?? 'another supervisor'} (${span}, ${where})${hint}`,
    );
  };

  const write = async (tx: EntityManager, writes: SupervisionWrite[]): Promise<AuditEvent[]> => {
    const repo = tx.getRepository(SupervisionAssignment);
    const events: AuditEvent[] = [];
    // In file order: a later line may end what an earlier one (or the database) had open.
    for (const w of writes) {
      if (w.op === 'end') {
        await repo.update({ id: w.id }, { endsOn: w.endsOn });
        events.push(event('supervision.ended', w.peerId, { endsOn: null }, { endsOn: w.endsOn }));
        continue;
      }
      for (const end of w.ends) await repo.update({ id: end.id }, { endsOn: end.endsOn });
      await repo.insert({
        id: w.period.id,
        peerId: w.peerId,
        supervisorId: w.period.supervisorId,
        startsOn: w.period.startsOn,
        endsOn: w.period.endsOn,
        // History, not a change happening now: nothing is due to the Board for it.
        boardReportDueOn: null,
        boardReportedOn: null,
      });
      events.push(
        event(
          'supervision.assigned',
          w.peerId,
          w.ends.length ? { supervisorIds: w.ends.map((e) => e.supervisorId) } : undefined,
          {
            supervisorId: w.period.supervisorId,
            startsOn: w.period.startsOn,
            endsOn: w.period.endsOn,
            boardReportDueOn: null,
          },
        ),
      );
    }
    return events;
  };

  const event = (
    action: string,
    peerId: string,
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown>,
  ): AuditEvent => ({
    action,
    entityType: 'person',
    entityId: peerId,
    ...(before ? { before } : {}),
    after: { ...after, importId: env.importId },
  });

  return { check, write };
};

function party(person: PersonRef) {
  return { id: person.id, name: person.preferredName ?? person.name, roles: person.roles };
}

/** The first period that shares a day with `span`, leaving out those given. */
function overlapping(periods: Period[], span: { startsOn: IsoDate; endsOn: IsoDate | null }, ...except: Period[]) {
  return periods.find(
    (p) =>
      !except.includes(p) &&
      (span.endsOn === null || p.startsOn <= span.endsOn) &&
      (p.endsOn === null || span.startsOn <= p.endsOn),
  );
}
