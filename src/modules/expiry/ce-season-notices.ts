import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addDays, formatDate, type IsoDate } from '../../common/dates';
import { sqlRows } from '../../common/db/sql';
import { WriteLock } from '../../common/db/write-lock';
import type { AuthUser } from '../../common/auth/auth-user';
import { CeService } from '../ce/ce.service';
import { NotificationsService } from '../notifications/notifications.service';

/** The Montana certification whose yearly renewal (by Dec 31) makes November "renewal season". */
export const SEASON_CREDENTIAL = 'MT-CBHPSS';
export const SEASON_MONTH = 11;

export interface LackingCe {
  personId: string;
  name: string;
  expiresOn: IsoDate;
  hoursDone: number;
  hoursNeeded: number;
  missing: string[];
}

/**
 * In November every admin hears, once a year, who holds an MT-CBHPSS certification due this
 * renewal and still lacks confirmed CE hours for it (the scan runs daily; the key keeps it to one).
 */
@Injectable()
export class CeSeasonNotices {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ce: CeService,
    private readonly notifications: NotificationsService,
    private readonly writeLock: WriteLock,
  ) {}

  /** Sends the season notice on a November date unless every admin has had this year's; returns e-mails queued. */
  async sendIfDue(date: IsoDate): Promise<number> {
    if (Number(date.slice(5, 7)) !== SEASON_MONTH) return 0;
    const year = date.slice(0, 4);
    const admins = await sqlRows<{ id: string; name: string; email: string }>(
      this.dataSource,
      `SELECT p.id, p.name, p.email FROM people p
        WHERE p.status = 'active' AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'admin')
          AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = ${this.concat(`'ce-season:${year}:'`, 'p.id')})`,
    );
    if (admins.length === 0) return 0;
    const lacking = await this.lackingCe(date, {
      id: admins[0].id,
      name: admins[0].name,
      email: admins[0].email,
      roles: ['admin'],
      sessionId: null,
      tokenId: null,
    });
    const title = lacking.length
      ? `Renewal season: ${lacking.length} ${lacking.length === 1 ? 'person lacks' : 'people lack'} CE hours for ${SEASON_CREDENTIAL}`
      : `Renewal season: everyone renewing ${SEASON_CREDENTIAL} has their CE hours`;
    const lines = lacking.map(
      (l) => `${l.name}: ${l.hoursDone} of ${l.hoursNeeded} h${l.missing.length ? ` (${l.missing.join('; ')})` : ''}`,
    );
    const outboxIds = await this.writeLock.run(() =>
      this.dataSource.transaction(async (tx) => {
        const recipients = await this.notifications.recipients(
          tx,
          admins.map((a) => a.id),
        );
        return this.notifications.write(
          tx,
          admins.map((admin) => ({
            personId: admin.id,
            kind: 'ce_season',
            title,
            body: lines.length
              ? `Renewals are due by Dec 31. Still short: ${lines.join(' · ')}`
              : 'Renewals are due by Dec 31.',
            link: '/people',
            dedupeKey: `ce-season:${year}:${admin.id}`,
            email: {
              category: 'alert',
              subject: title,
              template: 'ce-season',
              context: {
                credentialCode: SEASON_CREDENTIAL,
                year,
                lacking: lacking.map((l) => ({ ...l, expiresOn: formatDate(l.expiresOn) })),
                link: '/people',
              },
            },
          })),
          recipients,
        );
      }),
    );
    await this.notifications.enqueue(outboxIds);
    return outboxIds.length;
  }

  /** Holders of the season credential expiring within the next 62 days whose confirmed CE falls short. */
  async lackingCe(date: IsoDate, viewer: AuthUser): Promise<LackingCe[]> {
    const holders = await sqlRows<{
      person_id: string;
      name: string;
      preferred_name: string | null;
      expires_on: string;
    }>(
      this.dataSource,
      `SELECT c.person_id, p.name, p.preferred_name, CAST(c.expires_on AS TEXT) AS expires_on
         FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id JOIN people p ON p.id = c.person_id
        WHERE upper(t.code) = $1 AND c.revoked_on IS NULL AND c.expires_on >= $2 AND c.expires_on <= $3 AND p.status = 'active'
        ORDER BY lower(p.name)`,
      [SEASON_CREDENTIAL, date, addDays(date, 62)],
    );
    const lacking: LackingCe[] = [];
    for (const holder of holders) {
      const { readiness } = await this.ce.overview(holder.person_id, viewer, date);
      const r = readiness.find((x) => x.code.toUpperCase() === SEASON_CREDENTIAL);
      if (!r || r.ready) continue;
      lacking.push({
        personId: holder.person_id,
        name: holder.preferred_name ?? holder.name,
        expiresOn: holder.expires_on,
        hoursDone: r.hoursDone,
        hoursNeeded: r.hoursNeeded,
        missing: r.missing,
      });
    }
    return lacking;
  }

  private concat(a: string, b: string): string {
    return this.dataSource.options.type === 'postgres' ? `${a} || ${b}::text` : `${a} || ${b}`;
  }
}
