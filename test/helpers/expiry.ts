import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../../src/common/dates';
import { CredentialType } from '../../src/modules/catalog/credential-type.entity';
import { Credential } from '../../src/modules/credentials/credential.entity';
import type { TestApp } from './app';

/** A credential type with the rules a test wants (reminders 90/60/30/7/0 unless told). */
export async function credentialType(t: TestApp, overrides: Partial<CredentialType> = {}): Promise<CredentialType> {
  const repo = t.dataSource.getRepository(CredentialType);
  return repo.save(
    repo.create({
      code: `T-${randomUUID().slice(0, 8)}`,
      name: 'Test Certification',
      issuer: 'Test Board',
      kind: 'external',
      validityKind: 'months',
      validityMonths: 12,
      graceDays: 0,
      terminatesAfterDays: null,
      reminderDays: [90, 60, 30, 7, 0],
      ...overrides,
    }),
  );
}

export async function credential(
  t: TestApp,
  personId: string,
  type: CredentialType,
  expiresOn: IsoDate,
  issuedOn = '2020-01-01',
): Promise<Credential> {
  const repo = t.dataSource.getRepository(Credential);
  return repo.save(repo.create({ personId, credentialTypeId: type.id, source: 'external', issuedOn, expiresOn }));
}

export async function supervise(
  t: TestApp,
  peerId: string,
  supervisorId: string,
  startsOn = '2020-01-01',
): Promise<void> {
  await t.dataSource.query(
    `INSERT INTO supervision_assignments (id, peer_id, supervisor_id, starts_on) VALUES (${t.dataSource.options.type === 'postgres' ? '$1, $2, $3, $4' : '?, ?, ?, ?'})`,
    [randomUUID(), peerId, supervisorId, startsOn],
  );
}

/** Rows of raw SQL written with PostgreSQL's `$1` placeholders, on either engine. */
export async function rows(t: TestApp, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const postgres = t.dataSource.options.type === 'postgres';
  return t.dataSource.query(postgres ? sql : sql.replace(/\$\d+/g, '?'), params);
}

/** `n` placeholders for a raw VALUES list on the app's engine. */
export function placeholders(t: TestApp, n: number): string {
  return t.dataSource.options.type === 'postgres'
    ? Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')
    : Array(n).fill('?').join(', ');
}

export async function count(t: TestApp, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await rows(t, sql, params);
  return Number(row.n);
}
