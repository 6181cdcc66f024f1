import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { sqlRows } from '../../common/db/sql';
import { WriteLock } from '../../common/db/write-lock';
import { placeholders } from './expiry.repository';

/**
 * The named queries of the scheduled notices beside the scan: the supervisors' weekly digest and the
 * admins' renewal-season notice. Writes take the transaction's manager.
 */
@Injectable()
export class NoticesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writeLock: WriteLock,
  ) {}

  /** Runs `work` in one write transaction, behind the write lock (SQLite has one writer). */
  writeTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.writeLock.run(() => this.dataSource.transaction(work));
  }

  /** Who supervises whom on `date`, both active people. */
  activeAssignments(date: IsoDate): Promise<Array<{ supervisor_id: string; peer_id: string }>> {
    return sqlRows<{ supervisor_id: string; peer_id: string }>(
      this.dataSource,
      `SELECT a.supervisor_id, a.peer_id FROM supervision_assignments a JOIN people s ON s.id = a.supervisor_id JOIN people p ON p.id = a.peer_id
        WHERE a.starts_on <= $1 AND (a.ends_on IS NULL OR a.ends_on >= $1) AND s.status = 'active' AND p.status = 'active'`,
      [date],
    );
  }

  /** These people's credentials (not revoked) expiring in [from, to], the soonest first, with their type's name. */
  expiringBetween(
    personIds: string[],
    from: IsoDate,
    to: IsoDate,
  ): Promise<Array<{ person_id: string; name: string; expires_on: string }>> {
    return sqlRows<{ person_id: string; name: string; expires_on: string }>(
      this.dataSource,
      `SELECT c.person_id, t.name, CAST(c.expires_on AS TEXT) AS expires_on FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id
        WHERE c.person_id IN (${placeholders(personIds.length, 3)}) AND c.revoked_on IS NULL AND c.expires_on >= $1 AND c.expires_on <= $2
        ORDER BY c.expires_on`,
      [from, to, ...personIds],
    );
  }

  async nameAndEmail(personId: string): Promise<{ name: string; email: string } | undefined> {
    const [person] = await sqlRows<{ name: string; email: string }>(
      this.dataSource,
      `SELECT name, email FROM people WHERE id = $1`,
      [personId],
    );
    return person;
  }

  /** Active admins who have no notification keyed `<prefix><their id>` yet. */
  adminsWithout(dedupePrefix: string): Promise<Array<{ id: string; name: string; email: string }>> {
    const key = this.concat(`'${dedupePrefix.replace(/'/g, "''")}'`, 'p.id');
    return sqlRows<{ id: string; name: string; email: string }>(
      this.dataSource,
      `SELECT p.id, p.name, p.email FROM people p
        WHERE p.status = 'active' AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'admin')
          AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = ${key})`,
    );
  }

  /** Active holders of a credential type (by code, any capitals) expiring in [from, to], not revoked, by name. */
  holdersExpiringBetween(
    typeCode: string,
    from: IsoDate,
    to: IsoDate,
  ): Promise<Array<{ person_id: string; name: string; preferred_name: string | null; expires_on: string }>> {
    return sqlRows<{ person_id: string; name: string; preferred_name: string | null; expires_on: string }>(
      this.dataSource,
      `SELECT c.person_id, p.name, p.preferred_name, CAST(c.expires_on AS TEXT) AS expires_on
         FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id JOIN people p ON p.id = c.person_id
        WHERE upper(t.code) = $1 AND c.revoked_on IS NULL AND c.expires_on >= $2 AND c.expires_on <= $3 AND p.status = 'active'
        ORDER BY lower(p.name)`,
      [typeCode, from, to],
    );
  }

  private concat(a: string, b: string): string {
    return this.dataSource.options.type === 'postgres' ? `${a} || ${b}::text` : `${a} || ${b}`;
  }
}
