import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { longDate, dateInZone } from '../../../common/dates';
import { ROLES, type Role } from '../../../common/auth/roles';
import type { AuditEvent } from '../../audit/audit.service';
import { CreatePersonDto } from '../../people/dto/person.dto';
import { emailKey, normalizeEmail } from '../../people/email-key';
import { personSnapshot } from '../../people/people.service';
import { PersonRole } from '../../people/person-role.entity';
import { Person } from '../../people/person.entity';
import { recordFirstStatus } from '../../people/status-history';
import type { PersonRef } from '../import-lookups';
import { readList, readYesNo, squash } from '../import-values';
import {
  conflict,
  problem,
  rejected,
  validateRow,
  type CheckerFactory,
  type ImportRowInput,
  type RowOutcome,
  type RowProblem,
} from './import-kind';

/** Roles by code or by the words programs use for them. */
const ROLE_WORDS: Record<string, Role> = Object.fromEntries([
  ...ROLES.map((r) => [r, r]),
  ...['peer supporter', 'peer support specialist', 'peer specialist', 'pss', 'cbhpss'].map((w) => [squash(w), 'peer']),
  ...['instructor', 'facilitator', 'educator'].map((w) => [squash(w), 'trainer']),
  ...['clinical supervisor', 'supervising'].map((w) => [squash(w), 'supervisor']),
  ...['administrator', 'program admin', 'program administrator', 'program manager'].map((w) => [squash(w), 'admin']),
]) as Record<string, Role>;

type PersonWrite = { op: 'insert'; person: PersonRef } | { op: 'update'; before: PersonRef; after: PersonRef };

const COLUMN_OF: Record<string, string> = {
  name: 'name',
  preferredName: 'preferred_name',
  email: 'email',
  phone: 'phone',
  status: 'status',
  roles: 'roles',
  externalId: 'external_id',
};

/** Blank stored values the file may fill; a different stored value is a conflict. */
const FILLABLE = ['preferredName', 'phone', 'externalId'] as const;
const COMPARED = ['name', 'email', 'status'] as const;

/**
 * People: matched by external id, then e-mail. A new person is created with the roles given (peer
 * when none); a known one gets blanks filled and roles added. Nobody is invited unless the admin
 * asked; then each new person's invitation goes through the outbox once the import has committed.
 */
export const peopleKind: CheckerFactory = async (env, services) => {
  const invited: Person[] = [];
  let outboxIds: string[] = [];

  const check = async (row: ImportRowInput): Promise<RowOutcome<PersonWrite>> => {
    const problems: RowProblem[] = [];
    const joined = [row.text('first_name'), row.text('last_name')].filter(Boolean).join(' ');
    const name = row.text('name') ?? (joined || null);
    const roleWords = readList(row.value('roles'));
    const roles = [...new Set(roleWords.map((w) => ROLE_WORDS[squash(w)] ?? w))];
    const status = statusOf(row);
    if (status === undefined) problems.push(problem(row, 'status', 'must be active or inactive (or yes/no)'));
    const valid = await validateRow(
      row,
      CreatePersonDto,
      {
        name: name ?? undefined,
        preferredName: row.text('preferred_name') ?? undefined,
        email: row.text('email') ?? undefined,
        phone: row.text('phone') ?? undefined,
        externalId: row.text('external_id') ?? undefined,
        status: status ?? undefined,
        roles: roles.length ? roles : ['peer'],
      },
      { ...COLUMN_OF, name: row.has('name') ? 'name' : 'first_name' },
    );
    if (valid.problems) problems.push(...valid.problems);
    if (problems.length || !valid.value) return rejected(problems);
    const dto = valid.value;
    const byId = dto.externalId ? env.people.byExternalId(dto.externalId) : undefined;
    const byEmail = env.people.byEmailAddress(dto.email);
    if (byId && byEmail && byId !== byEmail)
      return rejected([problem(row, 'email', `belongs to ${byEmail.name}, but ${dto.externalId} is ${byId.name}`)]);
    const same = byId ?? byEmail;
    if (same?.line)
      return rejected([problem(row, byId ? 'external_id' : 'email', `is the same person as line ${same.line}`)]);
    const given: PersonRef = {
      id: same?.id ?? randomUUID(),
      name: dto.name,
      preferredName: dto.preferredName ?? null,
      email: normalizeEmail(dto.email),
      externalId: dto.externalId ?? null,
      phone: dto.phone ?? null,
      status: dto.status ?? 'active',
      roles: dto.roles,
      line: row.line,
    };
    if (!same) {
      env.people.add(given);
      return { result: 'new', write: { op: 'insert', person: given } };
    }
    return compare(row, same, given);
  };

  const compare = (row: ImportRowInput, same: PersonRef, given: PersonRef): RowOutcome<PersonWrite> => {
    const conflicts: RowProblem[] = [];
    const after: PersonRef = { ...same, roles: [...same.roles], line: row.line };
    for (const field of COMPARED) {
      if (field === 'status' && !row.text('status')) continue;
      const differs = field === 'email' ? emailKey(same.email) !== emailKey(given.email) : same[field] !== given[field];
      if (differs && !(field === 'name' && squash(same.name) === squash(given.name)))
        conflicts.push(conflict(row, COLUMN_OF[field], same[field], given[field]));
    }
    for (const field of FILLABLE) {
      if (given[field] === null || given[field] === same[field]) continue;
      if (same[field] === null) after[field] = given[field];
      else conflicts.push(conflict(row, COLUMN_OF[field], same[field], given[field]));
    }
    if (conflicts.length) return rejected(conflicts);
    if (row.text('roles')) for (const r of given.roles) if (!after.roles.includes(r)) after.roles.push(r);
    const changed = FILLABLE.some((f) => after[f] !== same[f]) || after.roles.length !== same.roles.length;
    // Remembered as seen on this line, so the same person twice in the file is caught.
    same.line = row.line;
    if (!changed) return { result: 'unchanged' };
    const before = { ...same, roles: [...same.roles] };
    Object.assign(same, after);
    env.people.rekey(same, before);
    return { result: 'updated', write: { op: 'update', before, after } };
  };

  const write = async (tx: EntityManager, writes: PersonWrite[]): Promise<AuditEvent[]> => {
    const events: AuditEvent[] = [];
    const people = tx.getRepository(Person);
    const inserts = writes.filter((w) => w.op === 'insert').map((w) => w.person);
    for (let i = 0; i < inserts.length; i += 200) {
      const batch = inserts.slice(i, i + 200).map((p) =>
        people.create({
          id: p.id,
          name: p.name,
          preferredName: p.preferredName,
          email: p.email,
          emailKey: emailKey(p.email),
          externalId: p.externalId,
          phone: p.phone,
          status: p.status,
        }),
      );
      await people.insert(batch);
      await recordFirstStatus(tx, batch, env.today, env.actor.personId);
      await tx
        .getRepository(PersonRole)
        .insert(inserts.slice(i, i + 200).flatMap((p) => p.roles.map((role) => ({ personId: p.id, role }))));
      if (env.options.sendInvitations) invited.push(...batch.filter((p) => p.status === 'active'));
    }
    for (const w of writes) {
      if (w.op === 'insert') {
        events.push({
          action: 'person.created',
          entityType: 'person',
          entityId: w.person.id,
          after: { ...personSnapshot(asPerson(w.person)), importId: env.importId },
        });
        continue;
      }
      const changes: Partial<Person> = {};
      for (const f of FILLABLE) if (w.after[f] !== w.before[f]) Object.assign(changes, { [f]: w.after[f] });
      if (Object.keys(changes).length) await people.update({ id: w.before.id }, changes);
      const added = w.after.roles.filter((r) => !w.before.roles.includes(r));
      if (added.length)
        await tx.getRepository(PersonRole).insert(added.map((role) => ({ personId: w.before.id, role })));
      events.push({
        action: 'person.updated',
        entityType: 'person',
        entityId: w.before.id,
        before: personSnapshot(asPerson(w.before)),
        after: { ...personSnapshot(asPerson(w.after)), importId: env.importId },
      });
    }
    return events;
  };

  /** Invitations for the new people, made in the import's transaction and e-mailed through the outbox. */
  const finish = async (tx: EntityManager): Promise<void> => {
    if (invited.length === 0) return;
    const links = await services.accountLinks.createInvitations(tx, invited, env.actor);
    const recipients = await services.notifications.recipients(
      tx,
      invited.map((p) => p.id),
    );
    outboxIds = await services.notifications.write(
      tx,
      links.map(({ person, link, expiresAt }) => ({
        personId: person.id,
        kind: 'invitation',
        title: 'You were invited to sign in',
        body: 'Choose your password from the link in your invitation e-mail.',
        dedupeKey: `invitation:${env.importId}:${person.id}`,
        email: {
          category: 'alert',
          subject: 'Your invitation to the program',
          template: 'invitation',
          context: {
            name: person.displayName,
            invitedBy: env.actor.label,
            link,
            expires: longDate(dateInZone(expiresAt, 'UTC')),
          },
        },
      })),
      recipients,
    );
  };

  return { check, write, finish, afterCommit: () => services.notifications.enqueue(outboxIds) };
};

function statusOf(row: ImportRowInput): 'active' | 'inactive' | null | undefined {
  const yes = readYesNo(row.value('status'));
  if (yes === undefined) return undefined;
  return yes === null ? null : yes ? 'active' : 'inactive';
}

function asPerson(p: PersonRef): Person {
  return Object.assign(new Person(), {
    name: p.name,
    preferredName: p.preferredName,
    email: p.email,
    phone: p.phone,
    status: p.status,
    externalId: p.externalId,
    roles: p.roles.map((role) => ({ role })),
  });
}
