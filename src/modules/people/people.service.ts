import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { fieldError } from '../../common/http/validation';
import { attestationProblem } from './attestation-rules';
import { RecordAttestationDto } from './dto/attestation.dto';
import { CreatePersonDto, ListPeopleQuery, UpdatePersonDto } from './dto/person.dto';
import { LivedExperienceAttestation } from './lived-experience-attestation.entity';
import { PersonRole } from './person-role.entity';
import { type Role } from '../../common/auth/roles';
import { emailKey, normalizeEmail } from './email-key';
import { Person } from './person.entity';
import { whereVisibleTo } from './people-scope';
import { dateInZone } from '../../common/dates';
import type { PersonStatusPeriod } from './person-status-period.entity';
import { recordFirstStatus, recordStatusChange, statusHistoryOf } from './status-history';

/** Runs inside the transaction that deactivates `personId`. */
export type DeactivationHook = (tx: EntityManager, personId: string, actor: Actor) => Promise<void>;

export interface PeoplePage {
  items: Person[];
  total: number;
  page: number;
  pageSize: number;
}

@Injectable()
export class PeopleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  private readonly deactivationHooks: DeactivationHook[] = [];

  /**
   * Adds what must end when a person is deactivated, run in the deactivating transaction. Auth registers
   * the ending of sessions and API tokens here: people sits below auth, so it cannot call auth itself.
   */
  onDeactivation(hook: DeactivationHook): void {
    this.deactivationHooks.push(hook);
  }

  /** The people `viewer` may see, filtered and paged. */
  async list(query: ListPeopleQuery, viewer: AuthUser): Promise<PeoplePage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const qb = whereVisibleTo(
      this.dataSource.getRepository(Person).createQueryBuilder('p'),
      'p.id',
      viewer,
      this.config.today(),
    );
    if (query.q) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        "(lower(p.name) LIKE :like ESCAPE '\\' OR lower(p.preferred_name) LIKE :like ESCAPE '\\' OR lower(p.email) LIKE :like ESCAPE '\\')",
        {
          like,
        },
      );
    }
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.role) {
      qb.andWhere('EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = :role)', {
        role: query.role,
      });
    }
    const [items, total] = await qb
      .orderBy('lower(p.name)', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    await this.loadRoles(items);
    return { items, total, page, pageSize };
  }

  async get(id: string): Promise<Person> {
    const person = await this.dataSource.getRepository(Person).findOne({ where: { id }, relations: { roles: true } });
    if (!person) throw new NotFoundException('No person with that id.');
    sortRoles(person);
    return person;
  }

  async create(dto: CreatePersonDto, actor: Actor, manager: EntityManager = this.dataSource.manager): Promise<Person> {
    return manager.transaction(async (tx) => {
      await this.assertEmailFree(tx, dto.email);
      if (dto.externalId) await this.assertExternalIdFree(tx, dto.externalId);
      const repo = tx.getRepository(Person);
      const person = await repo.save(
        repo.create({
          name: dto.name,
          preferredName: dto.preferredName ?? null,
          email: dto.email,
          phone: dto.phone ?? null,
          externalId: dto.externalId ?? null,
          status: dto.status ?? 'active',
        }),
      );
      await this.writeRoles(tx, person.id, dto.roles);
      await recordFirstStatus(tx, [person], this.config.today(), actor.personId);
      const created = await this.reload(tx, person.id);
      await this.audit.record(tx, actor, {
        action: 'person.created',
        entityType: 'person',
        entityId: person.id,
        after: personSnapshot(created),
      });
      return created;
    });
  }

  /** Changes a person; deactivating them ends all their sessions. */
  async update(id: string, dto: UpdatePersonDto, actor: Actor): Promise<Person> {
    return this.dataSource.transaction(async (tx) => {
      const person = await tx.getRepository(Person).findOne({ where: { id }, relations: { roles: true } });
      if (!person) throw new NotFoundException('No person with that id.');
      const before = personSnapshot(person);
      if (dto.email !== undefined && emailKey(dto.email) !== emailKey(person.email)) {
        await this.assertEmailFree(tx, dto.email, id);
      }
      if (dto.name !== undefined) person.name = dto.name;
      if (dto.preferredName !== undefined) person.preferredName = dto.preferredName;
      if (dto.email !== undefined) person.email = dto.email;
      if (dto.phone !== undefined) person.phone = dto.phone;
      if (dto.externalId !== undefined && dto.externalId !== person.externalId) {
        if (dto.externalId) await this.assertExternalIdFree(tx, dto.externalId, id);
        person.externalId = dto.externalId;
      }
      if (dto.status !== undefined) person.status = dto.status;
      await tx.getRepository(Person).save(person);
      if (dto.roles !== undefined) await this.writeRoles(tx, id, dto.roles);
      const updated = await this.reload(tx, id);
      const statusReason = dto.statusReason ?? (updated.status === 'active' ? 'joined' : 'other');
      if (before.status !== updated.status) {
        await recordStatusChange(tx, {
          personId: id,
          previous: before.status,
          createdOn: dateInZone(person.createdAt, this.config.timeZone),
          status: updated.status,
          reason: statusReason,
          on: this.config.today(),
          recordedById: actor.personId,
        });
      }
      if (before.status === 'active' && updated.status === 'inactive') {
        for (const hook of this.deactivationHooks) await hook(tx, id, actor);
      }
      await this.audit.record(tx, actor, {
        action: 'person.updated',
        entityType: 'person',
        entityId: id,
        before,
        after: { ...personSnapshot(updated), ...(before.status !== updated.status ? { statusReason } : {}) },
      });
      return updated;
    });
  }

  /** The person's active and inactive periods, oldest first. */
  statusHistory(id: string): Promise<PersonStatusPeriod[]> {
    return statusHistoryOf(this.dataSource.manager, id);
  }

  async hasPassword(id: string): Promise<boolean> {
    const row = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .addSelect('p.passwordHash')
      .where('p.id = :id', { id })
      .getOne();
    return !!row?.passwordHash;
  }

  async recordAttestation(
    personId: string,
    dto: RecordAttestationDto,
    actor: Actor,
  ): Promise<LivedExperienceAttestation> {
    await this.get(personId);
    // The token or session already says who is calling: they verified it unless the body names someone else.
    const verifiedById = dto.verifiedById ?? actor.personId;
    const roles = verifiedById
      ? await this.dataSource.getRepository(PersonRole).findBy({ personId: verifiedById })
      : null;
    const refused = attestationProblem(
      { verifierRoles: roles?.length ? roles.map((r) => r.role) : null, verifiedOn: dto.verifiedOn },
      this.config.today(),
    );
    if (refused) throw fieldError(refused.field, refused.message, refused.sentence);
    // attestationProblem refuses a missing verifier (no roles), so there is one from here on.
    const verifier: string = verifiedById!;
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(LivedExperienceAttestation);
      const saved = await repo.save(
        repo.create({
          personId,
          verifiedById: verifier,
          verifiedOn: dto.verifiedOn,
          evidenceLocation: dto.evidenceLocation,
        }),
      );
      await this.audit.record(tx, actor, {
        action: 'attestation.recorded',
        entityType: 'person',
        entityId: personId,
        after: { ...dto, attestationId: saved.id },
      });
      return saved;
    });
  }

  /** People holding a role, for pickers (e.g. the admin who verified an attestation). */
  findByRole(role: Role): Promise<Person[]> {
    return this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .innerJoin(PersonRole, 'r', 'r.person_id = p.id AND r.role = :role', { role })
      .where("p.status = 'active'")
      .orderBy('lower(p.name)', 'ASC')
      .getMany();
  }

  private async assertEmailFree(tx: EntityManager, email: string, exceptId?: string): Promise<void> {
    const qb = tx
      .getRepository(Person)
      .createQueryBuilder('p')
      .where('p.email_key = :key', { key: emailKey(email) });
    if (exceptId) qb.andWhere('p.id <> :id', { id: exceptId });
    if (await qb.getExists()) {
      throw new ConflictException({
        statusCode: 409,
        message: `Someone already uses the e-mail address ${normalizeEmail(email)}.`,
        errors: [{ field: 'email', message: 'is already used by someone else' }],
      });
    }
  }

  private async assertExternalIdFree(tx: EntityManager, externalId: string, exceptId?: string): Promise<void> {
    const qb = tx.getRepository(Person).createQueryBuilder('p').where('p.external_id = :externalId', { externalId });
    if (exceptId) qb.andWhere('p.id <> :id', { id: exceptId });
    if (await qb.getExists()) {
      throw new ConflictException({
        statusCode: 409,
        message: `Someone already has the external id ${externalId}.`,
        errors: [{ field: 'externalId', message: 'is already used by someone else' }],
      });
    }
  }

  private async writeRoles(tx: EntityManager, personId: string, roles: Role[]): Promise<void> {
    const repo = tx.getRepository(PersonRole);
    const current = await repo.findBy({ personId });
    const removed = current.filter((r) => !roles.includes(r.role));
    if (removed.length > 0) await repo.remove(removed);
    const added = roles.filter((role) => !current.some((r) => r.role === role));
    if (added.length > 0) await repo.insert(added.map((role) => ({ personId, role })));
  }

  private async reload(tx: EntityManager, id: string): Promise<Person> {
    const person = await tx.getRepository(Person).findOneOrFail({ where: { id }, relations: { roles: true } });
    return sortRoles(person);
  }

  private async loadRoles(people: Person[]): Promise<void> {
    if (people.length === 0) return;
    const roles = await this.dataSource
      .getRepository(PersonRole)
      .createQueryBuilder('r')
      .where('r.person_id IN (:...ids)', { ids: people.map((p) => p.id) })
      .getMany();
    for (const p of people) {
      p.roles = roles.filter((r) => r.personId === p.id);
      sortRoles(p);
    }
  }
}

/** What the audit log keeps of a person: every field an admin can change. */
export function personSnapshot(p: Person) {
  return {
    name: p.name,
    preferredName: p.preferredName,
    email: p.email,
    phone: p.phone,
    status: p.status,
    roles: (p.roles ?? []).map((r) => r.role).sort(),
    // Only when set, so entries of people without one read as they always have.
    ...(p.externalId ? { externalId: p.externalId } : {}),
  };
}

const ROLE_ORDER: Role[] = ['admin', 'supervisor', 'trainer', 'peer'];
function sortRoles(person: Person): Person {
  person.roles?.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  return person;
}
