import { BadRequestException, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isIsoDate, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import { CatalogService, everApplied } from '../catalog/catalog.service';
import { findVisiblePersonName, whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { SupervisionService } from '../supervision/supervision.service';
import { PracticeAssignmentsService } from '../practice-assignments/practice-assignments.service';
import { NOTHING_RECORDED } from '../practice-assignments/assigned-roles';
import {
  ClearanceEngine,
  type BriefClearance,
  type ClearanceFacts,
  type ClearanceResult,
  type RoleRule,
  type SupervisionFact,
} from './clearance-engine';
import { PendingReviews, type PendingReview } from './pending-reviews';
import { isSupervisionOverdue } from '../supervision/supervision-gap';
import { emptyFacts, type CredentialRow, type PersonRow, type StatusRow, type SupervisionRow } from './clearance-rows';
import { activeOnSql } from '../../common/db/status-periods';

/** People per slice of a board: their facts fit the young generation of the garbage collector, and die there. */
const BOARD_CHUNK = 1000;

/** Ids per IN (...) list: well under both engines' parameter limits, so a board costs a few queries per thousand people. */
const CHUNK = 900;

interface RuleBook {
  revision: string;
  roles: RoleRule[];
  engine: ClearanceEngine;
  /** Every credential type (active or not) by id: a credential's row then carries only the id. */
  types: Map<string, { code: string; name: string; graceDays: number; termsPublished: boolean }>;
}

export interface BriefBoardRow {
  person: { id: string; name: string };
  results: Array<BriefClearance & { reason?: string }>;
  lastSupervisionOn: IsoDate | null;
  supervisionGap: boolean;
  /** The codes of the practice roles they work in on the board's date. */
  assignedRoles: string[];
  /** Whether any practice-role assignment was ever recorded for them. */
  rolesRecorded: boolean;
}

export interface BriefBoard {
  date: IsoDate;
  roles: RoleRule[];
  rows: BriefBoardRow[];
}

export interface BoardRow {
  person: { id: string; name: string };
  results: ClearanceResult[];
  /** The latest logged supervision session, and whether it is longer ago than the policy allows. */
  lastSupervisionOn: IsoDate | null;
  supervisionGap: boolean;
  assignedRoles: string[];
  rolesRecorded: boolean;
}

/**
 * Loads the facts the clearance engine needs — in a fixed number of queries per thousand people,
 * never one per person — and asks it about people the viewer may see.
 */
/** The roles `asked` names, each by its code or its name, ignoring capitals and surrounding spaces. */
export function rolesNamed(roles: RoleRule[], asked: string[]): RoleRule[] {
  const keys = new Set(asked.map((a) => a.trim().toLowerCase()));
  return roles.filter((r) => keys.has(r.code.toLowerCase()) || keys.has(r.name.toLowerCase()));
}

@Injectable()
export class ClearanceService {
  private compiled: RuleBook | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
    private readonly supervision: SupervisionService,
    private readonly assignments: PracticeAssignmentsService,
    // Provided by the submissions feature above this one; a build without it simply has nothing pending.
    @Optional() private readonly pending?: PendingReviews,
  ) {}

  /** What these people handed in that waits for review, in one query; it never changes a status. */
  async pendingReviews(personIds: string[]): Promise<Map<string, PendingReview[]>> {
    if (!this.pending || personIds.length === 0) return new Map();
    return this.pending.forPeople(personIds);
  }

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

  /** The active practice roles and their rules, compiled once per catalogue revision (one single-row query to check). */
  async roles(): Promise<RoleRule[]> {
    return (await this.ruleBook()).roles;
  }

  private async ruleBook(): Promise<RuleBook> {
    const [row] = (await this.dataSource.query(`SELECT revision FROM catalog_revision WHERE id = 1`)) as Array<{
      revision: string | number;
    }>;
    const revision = String(row?.revision ?? '');
    if (this.compiled?.revision === revision) return this.compiled;
    const roles = (await this.catalog.listPracticeRoles())
      .filter(({ role }) => role.active)
      .map(({ role, rule, versions }) => ({
        code: role.code,
        name: role.name,
        rule,
        // A date is judged by the version of the rule in force on it.
        versions: versions
          .filter(everApplied)
          .map((v) => ({ version: v.version, from: v.effectiveFrom, until: v.effectiveUntil, rule: v.rule })),
      }));
    const types = new Map(
      (await this.catalog.listCredentialTypes({ includeInactive: true })).map((t) => [
        t.id,
        { code: t.code, name: t.name, graceDays: t.graceDays, termsPublished: t.termsPublished },
      ]),
    );
    // An engine keeps no state between requests except what is keyed by a request's own facts, so one serves them all.
    this.compiled = { revision, roles, types, engine: new ClearanceEngine(roles, [...types.values()]) };
    return this.compiled;
  }

  /** One person's clearance for every practice role (or one), as of `date`; 404 when out of the viewer's scope. */
  async forPerson(
    personId: string,
    viewer: AuthUser,
    date: IsoDate,
    roleCode?: string,
  ): Promise<{
    person: { id: string; name: string };
    date: IsoDate;
    results: ClearanceResult[];
    pendingReviews: PendingReview[];
  }> {
    const visible = await findVisiblePersonName(this.dataSource, personId, viewer, this.config.today());
    const { roles, engine, types } = await this.ruleBook();
    const wanted = roleCode ? rolesNamed(roles, [roleCode]) : roles;
    if (roleCode && wanted.length === 0)
      throw new BadRequestException({
        statusCode: 400,
        message: `No practice role has the code or name ${roleCode}.`,
        errors: [{ field: 'role', message: 'is not a practice role code or name' }],
      });
    const person = {
      id: visible.id,
      name: visible.name,
      preferred_name: null,
      status: visible.active ? 'active' : 'inactive',
    };
    const [loaded, pending] = await Promise.all([
      this.loadFacts(types, this.param(0), [personId], [person]),
      this.pendingReviews([personId]),
    ]);
    const facts = loaded.get(personId)!;
    return {
      person: { id: visible.id, name: visible.name },
      date,
      results: wanted.map((r) => engine.evaluate(r.code, date, facts)),
      pendingReviews: pending.get(personId) ?? [],
    };
  }

  /**
   * Every peer the viewer may see × every practice role (or the ones asked for), as of `date`, each
   * with its full explanation. For a board of the whole program, `briefBoard` gives the same
   * statuses and dates in a fraction of the time.
   */
  async board(
    viewer: AuthUser,
    date: IsoDate,
    roleCodes?: string[],
  ): Promise<{ date: IsoDate; roles: RoleRule[]; rows: BoardRow[] }> {
    return this.evaluateBoard(viewer, date, roleCodes, (engine, roles, facts) =>
      roles.map((r) => engine.evaluate(r.code, date, facts)),
    );
  }

  /**
   * The board without explanations: status, cleared-until and warnings per cell, identical to
   * `board`'s (a test holds them to it). With `reasons`, a cell that is not cleared also carries
   * its explanation's first line (what the CSV export shows), worked out for those cells only.
   */
  async briefBoard(
    viewer: AuthUser,
    date: IsoDate,
    roleCodes?: string[],
    options: { reasons?: boolean } = {},
  ): Promise<BriefBoard> {
    return this.evaluateBoard(viewer, date, roleCodes, (engine, roles, facts) =>
      roles.map((r) => {
        const brief = engine.brief(r.code, date, facts);
        return options.reasons && brief.status === 'not_cleared'
          ? { ...brief, reason: engine.evaluate(r.code, date, facts).requirements?.reason ?? '' }
          : brief;
      }),
    );
  }

  /**
   * The peers on a board, each evaluated by `cells`. Facts load a thousand people at a time (three
   * queries each, by id range within the viewer's scope) and are dropped once their row is worked
   * out, so a board of the whole program stays a handful of queries and its facts die young.
   */
  private async evaluateBoard<R>(
    viewer: AuthUser,
    date: IsoDate,
    roleCodes: string[] | undefined,
    cells: (engine: ClearanceEngine, roles: RoleRule[], facts: ClearanceFacts) => R[],
  ): Promise<{
    date: IsoDate;
    roles: RoleRule[];
    rows: Array<{
      person: { id: string; name: string };
      results: R[];
      lastSupervisionOn: IsoDate | null;
      supervisionGap: boolean;
      assignedRoles: string[];
      rolesRecorded: boolean;
    }>;
  }> {
    const book = await this.ruleBook();
    const roles = roleCodes?.length ? rolesNamed(book.roles, roleCodes) : book.roles;
    const scoped = () =>
      whereVisibleTo(this.dataSource.getRepository(Person).createQueryBuilder('p'), 'p.id', viewer, this.config.today())
        // The people active on the board's date, not today: a board of last June keeps its rows.
        .andWhere(activeOnSql('p.id', 'p.status', ':asOf'), { asOf: date })
        .andWhere("EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'peer')");
    const [scopeSql, scopeParams] = scoped().select('p.id').getQueryAndParameters();
    const people = await scoped()
      .select('p.id', 'id')
      .addSelect('p.name', 'name')
      .addSelect('p.preferredName', 'preferred_name')
      .addSelect('p.status', 'status')
      .orderBy('lower(p.name)', 'ASC')
      .getRawMany<PersonRow>();
    const [lastSessions, assigned] = await Promise.all([
      this.supervision.lastSessionOnWithin(scopeSql, scopeParams, date),
      this.assignments.assignedWithin(scopeSql, scopeParams, date),
    ]);
    const byId = [...people].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const results = new Map<string, R[]>();
    for (let i = 0; i < byId.length; i += BOARD_CHUNK) {
      const chunk = byId.slice(i, i + BOARD_CHUNK);
      const [rangeSql, rangeParams] = scoped()
        .select('p.id')
        .andWhere('p.id BETWEEN :first AND :last', { first: chunk[0].id, last: chunk[chunk.length - 1].id })
        .getQueryAndParameters();
      const facts = await this.loadFacts(book.types, rangeSql, rangeParams, chunk);
      for (const p of chunk) results.set(p.id, cells(book.engine, roles, facts.get(p.id)!));
    }
    return {
      date,
      roles,
      rows: people.map((p) => {
        const last = lastSessions.get(p.id) ?? null;
        const roles = assigned.get(p.id) ?? NOTHING_RECORDED;
        return {
          person: { id: p.id, name: p.preferred_name || p.name },
          results: results.get(p.id)!,
          lastSupervisionOn: last,
          supervisionGap: isSupervisionOverdue(last, date, this.config.supervisionGapDays),
          assignedRoles: [...roles.on],
          rolesRecorded: roles.recorded,
        };
      }),
    };
  }

  /** Everything the engine needs about these people: four queries per chunk of ids. */
  async factsFor(personIds: string[]): Promise<Map<string, ClearanceFacts>> {
    const facts = new Map<string, ClearanceFacts>();
    const { types } = await this.ruleBook();
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const chunk = await this.loadFacts(types, ids.map((_, n) => this.param(n)).join(', '), ids);
      for (const [id, f] of chunk) facts.set(id, f);
    }
    return facts;
  }

  /**
   * The facts of the people whose ids `idsSql` lists — placeholders for `params`, or a subquery
   * selecting them, so a whole board loads in one query per table.
   */
  private async loadFacts(
    types: RuleBook['types'],
    idsSql: string,
    params: unknown[],
    knownPeople?: PersonRow[],
  ): Promise<Map<string, ClearanceFacts>> {
    const q = <T>(sql: string) =>
      this.dataSource.query(
        sql.replace(':ids', () => idsSql),
        params,
      ) as Promise<T[]>;
    // SQLite keeps dates as text already; PostgreSQL would hand back Date objects.
    const d = (column: string) => (this.dataSource.options.type === 'postgres' ? `CAST(${column} AS TEXT)` : column);
    const [people, lived, credentials, supervision, statuses] = await Promise.all([
      knownPeople
        ? Promise.resolve(knownPeople)
        : q<PersonRow>(`SELECT id, name, preferred_name, status FROM people WHERE id IN (:ids)`),
      q<{ person_id: string; verified_on: string; withdrawn_on: string | null }>(
        `SELECT person_id, ${d('verified_on')} AS verified_on, ${d('withdrawn_on')} AS withdrawn_on FROM lived_experience_attestations WHERE person_id IN (:ids)`,
      ),
      // The largest table by far (ten rows a person): only what the engine reads, the type by id.
      q<CredentialRow>(`SELECT c.id, c.person_id, c.credential_type_id, ${d('c.issued_on')} AS issued_on, ${d('c.expires_on')} AS expires_on,
                ${d('c.revoked_on')} AS revoked_on, ${d('c.suspended_from')} AS suspended_from, ${d('c.suspended_until')} AS suspended_until, c.licence_number
           FROM credentials c WHERE c.person_id IN (:ids)`),
      // One row per assignment and qualification of its supervisor (none when never qualified).
      q<SupervisionRow>(`SELECT a.id, a.peer_id, s.name AS supervisor_name, ${d('a.starts_on')} AS starts_on, ${d('a.ends_on')} AS ends_on,
                ${d('sq.qualified_from')} AS qualified_from, ${d('sq.qualified_until')} AS qualified_until
           FROM supervision_assignments a JOIN people s ON s.id = a.supervisor_id
           LEFT JOIN supervisor_qualifications sq ON sq.person_id = a.supervisor_id
          WHERE a.peer_id IN (:ids) ORDER BY a.starts_on, a.id`),
      q<StatusRow>(`SELECT person_id, status, ${d('from_date')} AS from_date, ${d('to_date')} AS to_date
           FROM person_status_periods WHERE person_id IN (:ids) ORDER BY from_date`),
    ]);
    const facts = new Map<string, ClearanceFacts>();
    for (const p of people) facts.set(String(p.id), emptyFacts(p));
    const factsOf = (id: string) => facts.get(id);
    for (const a of lived)
      factsOf(String(a.person_id))?.livedExperience.push({
        verifiedOn: a.verified_on,
        withdrawnOn: a.withdrawn_on ?? null,
      });
    for (const c of credentials) {
      const type = types.get(String(c.credential_type_id));
      if (!type) continue;
      factsOf(String(c.person_id))?.credentials.push({
        id: String(c.id),
        typeCode: type.code,
        typeName: type.name,
        issuedOn: c.issued_on,
        expiresOn: c.expires_on ?? null,
        graceDays: type.graceDays,
        revokedOn: c.revoked_on ?? null,
        suspendedFrom: c.suspended_from ?? null,
        suspendedUntil: c.suspended_until ?? null,
        licenceNumber: c.licence_number ?? null,
        ...(type.termsPublished ? {} : { termsPublished: false }),
      });
    }
    for (const r of statuses) {
      const f = factsOf(String(r.person_id));
      if (f) (f.statusPeriods ??= []).push({ status: r.status, from: r.from_date, to: r.to_date ?? null });
    }
    const assignments = new Map<string, SupervisionFact>();
    for (const s of supervision) {
      let fact = assignments.get(String(s.id));
      if (!fact) {
        fact = {
          supervisorName: s.supervisor_name,
          startsOn: s.starts_on,
          endsOn: s.ends_on ?? null,
          supervisorQualified: [],
        };
        assignments.set(String(s.id), fact);
        factsOf(String(s.peer_id))?.supervision.push(fact);
      }
      if (s.qualified_from !== null)
        fact.supervisorQualified.push({ from: s.qualified_from, to: s.qualified_until ?? null });
    }
    return facts;
  }

  private param(n: number): string {
    return this.dataSource.options.type === 'postgres' ? `$${n + 1}` : '?';
  }
}
