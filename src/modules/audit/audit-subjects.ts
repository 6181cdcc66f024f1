import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../../common/db/sql';

/** Only what a description needs from an entry. */
export interface AuditSubjectRef {
  actorId: string | null;
  entityType: string;
  entityId: string | null;
}

/** Names for one page of entries: people by id, and each entity's words by "type:id". */
export interface AuditSubjectNames {
  people: Map<string, string>;
  entities: Map<string, string>;
}

// Ids are checked before they reach SQL: PostgreSQL refuses a uuid column compared with anything else.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Each entity type the log names, as one query over the page's ids. Audit sits below every feature, so it reads
 * their tables by name in plain SQL rather than importing their entities (which would point the layers upward).
 */
const DESCRIBERS: Record<string, { sql: (list: string) => string; words: (row: Row) => string }> = {
  person: {
    sql: (list) => `SELECT p.id, p.name FROM people p WHERE p.id IN (${list})`,
    words: (r) => `person ${r.name}`,
  },
  certificate: {
    sql: (list) =>
      `SELECT c.id, c.code, COALESCE(p.name, c.recipient_name) AS holder, t.code AS type_code, c.credential_name
         FROM certificates c
         LEFT JOIN people p ON p.id = c.person_id
         LEFT JOIN credentials cr ON cr.id = c.credential_id
         LEFT JOIN credential_types t ON t.id = cr.credential_type_id
        WHERE c.id IN (${list})`,
    words: (r) => `certificate of ${r.holder}, ${r.type_code ?? r.credential_name} (${r.code})`,
  },
  credential: {
    sql: (list) =>
      `SELECT cr.id, t.code, p.name FROM credentials cr
         LEFT JOIN credential_types t ON t.id = cr.credential_type_id
         LEFT JOIN people p ON p.id = cr.person_id
        WHERE cr.id IN (${list})`,
    words: (r) => `credential ${r.code ?? 'of an unknown type'} of ${r.name ?? 'a person no longer on record'}`,
  },
  credential_type: {
    sql: (list) => `SELECT t.id, t.code, t.name FROM credential_types t WHERE t.id IN (${list})`,
    words: (r) => `credential type ${r.code} (${r.name})`,
  },
  practice_role: {
    sql: (list) => `SELECT r.id, r.code, r.name FROM practice_roles r WHERE r.id IN (${list})`,
    words: (r) => `practice role ${r.name}`,
  },
  course: {
    sql: (list) => `SELECT c.id, c.code, c.title AS name FROM courses c WHERE c.id IN (${list})`,
    words: (r) => `course ${r.code} (${r.name})`,
  },
  cohort: {
    sql: (list) =>
      `SELECT h.id, h.name, c.code FROM cohorts h LEFT JOIN courses c ON c.id = h.course_id WHERE h.id IN (${list})`,
    words: (r) => `cohort ${r.name}${r.code ? ` of ${r.code}` : ''}`,
  },
  api_token: {
    sql: (list) =>
      `SELECT k.id, k.name AS token, p.name FROM api_tokens k LEFT JOIN people p ON p.id = k.person_id
        WHERE k.id IN (${list})`,
    words: (r) => `API token “${r.token}” of ${r.name ?? 'a person no longer on record'}`,
  },
};

type Row = Record<string, string | null>;

/** The entity types the page describes in words; any other shows its type and id. */
export const DESCRIBED_TYPES = Object.keys(DESCRIBERS);

/** Describes the people and records a page of audit entries mentions, in one query per entity type. */
@Injectable()
export class AuditSubjects {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async names(entries: AuditSubjectRef[]): Promise<AuditSubjectNames> {
    const wanted = new Map<string, Set<string>>();
    const want = (type: string, id: string | null) => {
      if (!id || !UUID.test(id) || !DESCRIBERS[type]) return;
      if (!wanted.has(type)) wanted.set(type, new Set());
      wanted.get(type)!.add(id.toLowerCase());
    };
    for (const e of entries) {
      want('person', e.actorId);
      want(e.entityType, e.entityId);
    }
    const people = new Map<string, string>();
    const entities = new Map<string, string>();
    // One after the other: SQLite has one connection, and a page names only a handful of entity types.
    for (const [type, ids] of wanted) {
      const list = [...ids];
      const describer = DESCRIBERS[type];
      const placeholders = list.map((_, i) => `$${i + 1}`).join(', ');
      for (const row of await sqlRows<Row>(this.dataSource, describer.sql(placeholders), list)) {
        const id = String(row.id).toLowerCase();
        entities.set(`${type}:${id}`, describer.words(row));
        if (type === 'person' && row.name) people.set(id, row.name);
      }
    }
    return { people, entities };
  }
}

/** The words for an entry's entity; the id (or the bare type) when the record is gone or the type has no table. */
export function entityWords(names: AuditSubjectNames, entityType: string, entityId: string | null): string {
  const found = entityId ? names.entities.get(`${entityType}:${entityId.toLowerCase()}`) : undefined;
  if (found) return found;
  const type = entityType.replace(/_/g, ' ');
  return entityId ? `${type} ${entityId}` : type;
}
