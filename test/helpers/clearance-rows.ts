import { randomUUID } from 'node:crypto';
import type { Person } from '../../src/modules/people/person.entity';
import type { TestApp } from './app';
import type { Engine } from './engines';

/**
 * The facts the clearance engine reads, written straight into their tables for a test: faster than
 * the API and free of its date checks, so a test can set up any history. `app` is read when called,
 * since a spec makes its app in beforeAll.
 */
export function clearanceRows(app: () => TestApp, engine: Engine) {
  const insert = (table: string, row: Record<string, string | null>) =>
    app().dataSource.query(
      `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
        .map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?'))
        .join(', ')})`,
      Object.values(row),
    );
  const typeId = async (code: string) =>
    (
      (await app().dataSource.query(`SELECT id FROM credential_types WHERE code = '${code}'`)) as Array<{ id: string }>
    )[0].id;
  /** A credential of type `code`; returns its id. */
  const give = async (
    person: Person,
    code: string,
    issuedOn: string,
    expiresOn: string | null,
    revokedOn: string | null = null,
  ) => {
    const id = randomUUID();
    await insert('credentials', {
      id,
      person_id: person.id,
      credential_type_id: await typeId(code),
      source: 'external',
      issued_on: issuedOn,
      expires_on: expiresOn,
      revoked_on: revokedOn,
    });
    return id;
  };
  /**
   * What a Peer Support Specialist needs: lived experience verified by `supervisorId`, PS-40, MT-CBHPSS
   * (`cbhpss`), and supervision by `supervisorId` since 2025-01-01. Returns the MT-CBHPSS credential's id.
   */
  const qualify = async (person: Person, supervisorId: string, cbhpss: { issuedOn: string; expiresOn: string }) => {
    await insert('lived_experience_attestations', {
      id: randomUUID(),
      person_id: person.id,
      verified_by_id: supervisorId,
      verified_on: '2025-01-01',
      evidence_location: 'HR file',
    });
    await give(person, 'PS-40', '2024-01-01', null);
    const id = await give(person, 'MT-CBHPSS', cbhpss.issuedOn, cbhpss.expiresOn);
    await insert('supervision_assignments', {
      id: randomUUID(),
      peer_id: person.id,
      supervisor_id: supervisorId,
      starts_on: '2025-01-01',
      ends_on: null,
    });
    return id;
  };
  return { insert, typeId, give, qualify };
}
