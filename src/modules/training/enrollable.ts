import { ForbiddenException } from '@nestjs/common';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { PersonRole } from '../people/person-role.entity';
import { type Role } from '../../common/auth/roles';

/** Roles that make someone staff: a trainer can enrol none of them. */
const STAFF_ROLES: Role[] = ['trainer', 'supervisor', 'admin'];

/**
 * Whom a trainer may enrol — the one place this rule lives: active peers who hold no staff role.
 * Enrolling makes someone a trainer's trainee, so without this a trainer could pull an admin, a
 * supervisor or a fellow trainer into a cohort of their own (and award them its credential). Admins
 * may enrol anyone active.
 */
export function mayEnrol(user: AuthUser): 'anyone' | 'peers' {
  return hasRole(user, 'admin') ? 'anyone' : 'peers';
}

/** Narrows a query on people (`personIdColumn`) to those `user` may enrol; admins are not narrowed. */
export function whereEnrollableBy<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  personIdColumn: string,
  user: AuthUser,
): SelectQueryBuilder<T> {
  if (mayEnrol(user) === 'anyone') return qb;
  return qb
    .andWhere(`${personIdColumn} IN (SELECT er.person_id FROM person_roles er WHERE er.role = 'peer')`)
    .andWhere(
      `${personIdColumn} NOT IN (SELECT sr.person_id FROM person_roles sr WHERE sr.role IN (:...enrolStaffRoles))`,
      { enrolStaffRoles: STAFF_ROLES },
    );
}

/** Of these people, the ids `user` may not enrol because of their roles (empty for an admin). */
export async function notEnrollableBy(tx: EntityManager, personIds: string[], user: AuthUser): Promise<Set<string>> {
  const refused = new Set<string>();
  if (mayEnrol(user) === 'anyone' || personIds.length === 0) return refused;
  const peers = new Set<string>();
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    const roles = await tx
      .getRepository(PersonRole)
      .createQueryBuilder('r')
      .where('r.person_id IN (:...chunk)', { chunk })
      .getMany();
    for (const r of roles) {
      if (r.role === 'peer') peers.add(r.personId);
      else refused.add(r.personId);
    }
  }
  for (const id of personIds) if (!peers.has(id)) refused.add(id);
  return refused;
}

/** The refusal when a trainer tries to enrol someone they may not; it never names the person. */
export function notEnrollable(field: string): ForbiddenException {
  return new ForbiddenException({
    statusCode: 403,
    message: 'A trainer can enrol active peers who hold no staff role; ask an admin to enrol this person.',
    errors: [{ field, message: 'is not someone a trainer can enrol' }],
  });
}

/** What a roster line says when a trainer lists someone they may not enrol (the same for every reason). */
export const NOT_ENROLLABLE_LINE = 'cannot be enrolled by a trainer (ask an admin)';
