import type { EntityManager } from 'typeorm';
import { sqlRows } from '../../common/db/sql';
import type { Role } from '../../common/auth/roles';
import { emailKey } from '../people/email-key';
import { squash } from './import-values';

/** What an import needs to know of a person already in the program (or added earlier in the same file). */
export interface PersonRef {
  id: string;
  name: string;
  preferredName: string | null;
  email: string;
  externalId: string | null;
  phone: string | null;
  status: 'active' | 'inactive';
  roles: Role[];
  /** The line of this file that adds the person; null when they are in the database. */
  line: number | null;
}

/**
 * Everyone in the program, in memory, found by external id or e-mail key. One read at the start of a
 * pass instead of a query per row: 10,000 people are a few MB, and every row of a file names someone.
 */
export class PeopleIndex {
  private readonly byEmail = new Map<string, PersonRef>();
  private readonly byExternal = new Map<string, PersonRef>();
  private readonly byName = new Map<string, PersonRef[]>();

  static async load(db: EntityManager): Promise<PeopleIndex> {
    const index = new PeopleIndex();
    const people = await sqlRows<{
      id: string;
      name: string;
      preferred_name: string | null;
      email: string;
      external_id: string | null;
      phone: string | null;
      status: 'active' | 'inactive';
    }>(db, 'SELECT id, name, preferred_name, email, external_id, phone, status FROM people');
    const roles = await sqlRows<{ person_id: string; role: Role }>(db, 'SELECT person_id, role FROM person_roles');
    const rolesOf = new Map<string, Role[]>();
    for (const r of roles) rolesOf.set(r.person_id, [...(rolesOf.get(r.person_id) ?? []), r.role]);
    for (const p of people) {
      index.add({
        id: p.id,
        name: p.name,
        preferredName: p.preferred_name,
        email: p.email,
        externalId: p.external_id,
        phone: p.phone,
        status: p.status,
        roles: rolesOf.get(p.id) ?? [],
        line: null,
      });
    }
    return index;
  }

  add(person: PersonRef): void {
    this.byEmail.set(emailKey(person.email), person);
    if (person.externalId) this.byExternal.set(person.externalId.toLowerCase(), person);
    for (const name of [person.name, person.preferredName]) {
      if (!name) continue;
      const key = squash(name);
      this.byName.set(key, [...(this.byName.get(key) ?? []), person]);
    }
  }

  /** A changed e-mail or external id must be found under its new key from now on. */
  rekey(person: PersonRef, before: { email: string; externalId: string | null }): void {
    if (this.byEmail.get(emailKey(before.email)) === person) this.byEmail.delete(emailKey(before.email));
    if (before.externalId && this.byExternal.get(before.externalId.toLowerCase()) === person)
      this.byExternal.delete(before.externalId.toLowerCase());
    this.byEmail.set(emailKey(person.email), person);
    if (person.externalId) this.byExternal.set(person.externalId.toLowerCase(), person);
  }

  byEmailAddress(email: string): PersonRef | undefined {
    return this.byEmail.get(emailKey(email.trim()));
  }

  byExternalId(externalId: string): PersonRef | undefined {
    return this.byExternal.get(externalId.trim().toLowerCase());
  }

  /** The one person with this name, or why there is not exactly one. */
  byFullName(name: string): PersonRef | string {
    const found = this.byName.get(squash(name)) ?? [];
    if (found.length === 1) return found[0];
    return found.length === 0
      ? `no one in the program is called ${name}`
      : `${found.length} people are called ${name}; give their e-mail`;
  }

  /** A person given as an e-mail, an external id or, failing both, a unique full name. */
  byAnyKey(text: string): PersonRef | string {
    if (text.includes('@')) return this.byEmailAddress(text) ?? `no one in the program has the e-mail ${text}`;
    return this.byExternalId(text) ?? this.byFullName(text);
  }
}

/** "Renée Two Feathers", "Two Feathers, Renée" and "renee two feathers" are one name. */
export function sameName(given: string, person: PersonRef): boolean {
  const forms = [given, given.includes(',') ? given.split(',').reverse().join(' ') : given].map(squash);
  return [person.name, person.preferredName].filter((n): n is string => !!n).some((n) => forms.includes(squash(n)));
}
