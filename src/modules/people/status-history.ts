import type { EntityManager } from 'typeorm';
import { addDays, type IsoDate } from '../../common/dates';
import type { StatusPeriodFact } from '../../common/status-periods';
import { PersonStatusPeriod, type StatusReason } from './person-status-period.entity';
import type { PersonStatus } from './person.entity';

export interface StatusChange {
  personId: string;
  /** The status before the change, for a person who has no period on record yet (made before status had history). */
  previous: PersonStatus;
  /** The day that person's record was made, where the previous status is taken to start (yesterday at the latest). */
  createdOn: IsoDate;
  status: PersonStatus;
  reason: StatusReason;
  on: IsoDate;
  recordedById: string | null;
}

/** The first period of people just added, from `on`: one insert, in the adding transaction. */
export async function recordFirstStatus(
  tx: EntityManager,
  people: Array<{ id: string; status: PersonStatus }>,
  on: IsoDate,
  recordedById: string | null,
): Promise<void> {
  if (people.length === 0) return;
  const recordedAt = new Date();
  await tx.getRepository(PersonStatusPeriod).insert(
    people.map((p) => ({
      personId: p.id,
      status: p.status,
      fromDate: on,
      toDate: null,
      reason: p.status === 'active' ? ('joined' as const) : ('other' as const),
      recordedAt,
      recordedById,
    })),
  );
}

/**
 * A status change from `on`, in the changing transaction: the open period ends the day before and a new one
 * starts. A second change on the same day replaces that day's period (the audit log keeps both changes), so a
 * day has one status.
 */
export async function recordStatusChange(tx: EntityManager, change: StatusChange): Promise<void> {
  const repo = tx.getRepository(PersonStatusPeriod);
  const periods = await repo.find({ where: { personId: change.personId }, order: { fromDate: 'ASC' } });
  const recorded = { recordedAt: new Date(), recordedById: change.recordedById };
  // A person made before status had history (or by a path that keeps none) had `previous` on every day so far:
  // that is what every answer about an earlier day said, so it is kept, through yesterday at least.
  if (periods.length === 0) {
    periods.push(
      await repo.save(
        repo.create({
          personId: change.personId,
          status: change.previous,
          fromDate: change.createdOn < change.on ? change.createdOn : addDays(change.on, -1),
          toDate: null,
          // Joined the day the record was made; a record made today says nothing of when they joined.
          reason: change.previous === 'active' && change.createdOn < change.on ? 'joined' : 'other',
          ...recorded,
        }),
      ),
    );
  }
  const open = periods.find((p) => p.toDate === null) ?? periods[periods.length - 1];
  if (open && String(open.fromDate) === change.on) {
    await repo.update({ id: open.id }, { status: change.status, reason: change.reason, ...recorded });
    return;
  }
  if (open) await repo.update({ id: open.id }, { toDate: addDays(change.on, -1) });
  await repo.insert({
    personId: change.personId,
    status: change.status,
    fromDate: change.on,
    toDate: null,
    reason: change.reason,
    ...recorded,
  });
}

/** A person's periods, oldest first, for their page. */
export function statusHistoryOf(tx: EntityManager, personId: string): Promise<PersonStatusPeriod[]> {
  return tx.getRepository(PersonStatusPeriod).find({ where: { personId }, order: { fromDate: 'ASC' } });
}

/** The periods of these people by id, as the clearance engine reads them. */
export async function statusPeriodsOf(
  tx: EntityManager,
  personIds: string[],
): Promise<Map<string, StatusPeriodFact[]>> {
  const byPerson = new Map<string, StatusPeriodFact[]>();
  for (let i = 0; i < personIds.length; i += 900) {
    const rows = await tx
      .getRepository(PersonStatusPeriod)
      .createQueryBuilder('sp')
      .where('sp.person_id IN (:...ids)', { ids: personIds.slice(i, i + 900) })
      .orderBy('sp.from_date', 'ASC')
      .getMany();
    for (const r of rows) {
      const list = byPerson.get(r.personId) ?? [];
      list.push({ status: r.status, from: String(r.fromDate), to: r.toDate === null ? null : String(r.toDate) });
      byPerson.set(r.personId, list);
    }
  }
  return byPerson;
}
