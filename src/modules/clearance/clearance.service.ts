import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addDays, isIsoDate, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../auth/auth-user';
import { CatalogService } from '../catalog/catalog.service';
import { findVisiblePerson, whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { SupervisionService } from '../supervision/supervision.service';
import { ClearanceEngine, type ClearanceFacts, type ClearanceResult, type RoleRule } from './clearance-engine';

/** Ids per IN (...) list: well under both engines' parameter limits, so a board costs a few queries per thousand people. */
const CHUNK = 900;

export interface BoardRow {
  person: { id: string; name: string };
  results: ClearanceResult[];
  /** The latest logged supervision session, and whether it is longer ago than the policy allows. */
  lastSupervisionOn: IsoDate | null;
  supervisionGap: boolean;
}

/**
 * Loads the facts the clearance engine needs — in a fixed number of queries per thousand people,
 * never one per person — and asks it about people the viewer may see.
 */
@Injectable()
export class ClearanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
    private readonly supervision: SupervisionService,
  ) {}

  /** "today" in the program's time zone when no date is given; a malformed date is a 400. */
  dateOrToday(date: string | undefined): IsoDate {
    if (date === undefined || date === '') return this.config.today();
    if (!isIsoDate(date))
      throw new BadRequestException({
        statusCode: 400,
        message: 'date must be a calendar date (YYYY-MM-DD).',
        errors: [{ field: 'date', message: 'must be a date (YYYY-MM-DD)' }],
      });
    return date;
  }

  async roles(): Promise<RoleRule[]> {
    return (await this.catalog.listPracticeRoles()).filter(({ role }) => role.active).map(({ role, rule }) => ({ code: role.code, name: role.name, rule }));
  }

  /** One person's clearance for every practice role (or one), as of `date`; 404 when out of the viewer's scope. */
  async forPerson(
    personId: string,
    viewer: AuthUser,
    date: IsoDate,
    roleCode?: string,
  ): Promise<{ person: { id: string; name: string }; date: IsoDate; results: ClearanceResult[] }> {
    const visible = await findVisiblePerson(this.dataSource, personId, viewer, this.config.today());
    const roles = await this.roles();
    const wanted = roleCode ? roles.filter((r) => r.code.toUpperCase() === roleCode.toUpperCase()) : roles;
    if (roleCode && wanted.length === 0)
      throw new BadRequestException({
        statusCode: 400,
        message: `No practice role has the code ${roleCode}.`,
        errors: [{ field: 'role', message: 'is not a practice role code' }],
      });
    const engine = new ClearanceEngine(roles);
    const facts = (await this.factsFor([personId])).get(personId)!;
    return { person: { id: visible.id, name: visible.displayName }, date, results: wanted.map((r) => engine.evaluate(r.code, date, facts)) };
  }

  /** Every peer the viewer may see × every practice role (or the ones asked for), as of `date`. */
  async board(viewer: AuthUser, date: IsoDate, roleCodes?: string[]): Promise<{ date: IsoDate; roles: RoleRule[]; rows: BoardRow[] }> {
    const allRoles = await this.roles();
    const roles = roleCodes?.length ? allRoles.filter((r) => roleCodes.some((c) => c.toUpperCase() === r.code.toUpperCase())) : allRoles;
    const people = await whereVisibleTo(this.dataSource.getRepository(Person).createQueryBuilder('p'), 'p.id', viewer, this.config.today())
      .andWhere("p.status = 'active'")
      .andWhere("EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'peer')")
      .orderBy('lower(p.name)', 'ASC')
      .getMany();
    const [facts, lastSessions] = await Promise.all([this.factsFor(people.map((p) => p.id)), this.supervision.lastSessionOn(people.map((p) => p.id))]);
    const engine = new ClearanceEngine(allRoles);
    const gapFrom = addDays(date, -this.config.supervisionGapDays);
    return {
      date,
      roles,
      rows: people.map((p) => {
        const last = lastSessions.get(p.id) ?? null;
        return {
          person: { id: p.id, name: p.displayName },
          results: roles.map((r) => engine.evaluate(r.code, date, facts.get(p.id)!)),
          lastSupervisionOn: last,
          supervisionGap: last === null || last < gapFrom,
        };
      }),
    };
  }

  /** Everything the engine needs about these people: five queries per chunk of ids. */
  async factsFor(personIds: string[]): Promise<Map<string, ClearanceFacts>> {
    const facts = new Map<string, ClearanceFacts>();
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const q = (sql: string) =>
        this.dataSource.query(sql.replaceAll(':ids', ids.map((_, n) => this.param(n)).join(', ')), ids) as Promise<
          Array<Record<string, string | number | null>>
        >;
      const [people, lived, credentials, supervision] = await Promise.all([
        q(`SELECT id, name, preferred_name, status FROM people WHERE id IN (:ids)`),
        q(
          `SELECT person_id, CAST(verified_on AS TEXT) AS verified_on, CAST(withdrawn_on AS TEXT) AS withdrawn_on FROM lived_experience_attestations WHERE person_id IN (:ids)`,
        ),
        q(`SELECT c.id, c.person_id, t.code, t.name, t.grace_days, CAST(c.issued_on AS TEXT) AS issued_on, CAST(c.expires_on AS TEXT) AS expires_on,
                  CAST(c.revoked_on AS TEXT) AS revoked_on, CAST(c.suspended_from AS TEXT) AS suspended_from,
                  CAST(c.suspended_until AS TEXT) AS suspended_until, c.licence_number
             FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id WHERE c.person_id IN (:ids)`),
        q(`SELECT a.peer_id, a.supervisor_id, s.name AS supervisor_name, CAST(a.starts_on AS TEXT) AS starts_on, CAST(a.ends_on AS TEXT) AS ends_on
             FROM supervision_assignments a JOIN people s ON s.id = a.supervisor_id WHERE a.peer_id IN (:ids)`),
      ]);
      const supervisorIds = [...new Set(supervision.map((s) => String(s.supervisor_id)))];
      const qualifications = supervisorIds.length
        ? ((await this.dataSource.query(
            `SELECT person_id, CAST(qualified_from AS TEXT) AS qualified_from, CAST(qualified_until AS TEXT) AS qualified_until FROM supervisor_qualifications WHERE person_id IN (${supervisorIds.map((_, n) => this.param(n)).join(', ')})`,
            supervisorIds,
          )) as Array<Record<string, string | null>>)
        : [];
      for (const p of people) {
        facts.set(String(p.id), {
          personName: String(p.preferred_name ?? p.name),
          active: p.status === 'active',
          livedExperience: [],
          credentials: [],
          supervision: [],
        });
      }
      for (const a of lived)
        facts.get(String(a.person_id))?.livedExperience.push({ verifiedOn: String(a.verified_on), withdrawnOn: (a.withdrawn_on as string | null) ?? null });
      for (const c of credentials) {
        facts.get(String(c.person_id))?.credentials.push({
          id: String(c.id),
          typeCode: String(c.code),
          typeName: String(c.name),
          issuedOn: String(c.issued_on),
          expiresOn: (c.expires_on as string | null) ?? null,
          graceDays: Number(c.grace_days),
          revokedOn: (c.revoked_on as string | null) ?? null,
          suspendedFrom: (c.suspended_from as string | null) ?? null,
          suspendedUntil: (c.suspended_until as string | null) ?? null,
          licenceNumber: (c.licence_number as string | null) ?? null,
        });
      }
      for (const s of supervision) {
        facts.get(String(s.peer_id))?.supervision.push({
          supervisorName: String(s.supervisor_name),
          startsOn: String(s.starts_on),
          endsOn: (s.ends_on as string | null) ?? null,
          supervisorQualified: qualifications
            .filter((q) => q.person_id === s.supervisor_id)
            .map((q) => ({ from: String(q.qualified_from), to: q.qualified_until })),
        });
      }
    }
    return facts;
  }

  private param(n: number): string {
    return this.dataSource.options.type === 'postgres' ? `$${n + 1}` : '?';
  }
}
