import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import type { AuditEvent, AuditService } from '../audit/audit.service';
import type { Cohort } from './cohort.entity';
import { Enrollment } from './enrollment.entity';

export function enrollmentEvent(e: Enrollment, action: string): AuditEvent {
  return {
    action,
    entityType: 'cohort',
    entityId: e.cohortId,
    after: { enrollmentId: e.id, personId: e.personId, status: e.status },
  };
}

/** Fills free places from the wait list, first asked first served. */
export async function promoteFromWaitList(
  tx: EntityManager,
  audit: AuditService,
  cohort: Cohort,
  actor: Actor,
): Promise<number> {
  const taken = await tx.getRepository(Enrollment).countBy({ cohortId: cohort.id, status: 'enrolled' });
  const free = cohort.capacity - taken;
  if (free <= 0) return 0;
  const next = await tx.getRepository(Enrollment).find({
    where: { cohortId: cohort.id, status: 'waitlisted' },
    order: { requestedAt: 'ASC', id: 'ASC' },
    take: free,
  });
  const now = new Date();
  for (const e of next) {
    await tx.getRepository(Enrollment).update(e.id, { status: 'enrolled', enrolledAt: now });
    e.status = 'enrolled';
    await audit.record(tx, actor, { ...enrollmentEvent(e, 'enrollment.promoted'), before: { status: 'waitlisted' } });
  }
  return next.length;
}
