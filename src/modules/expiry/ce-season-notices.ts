import { Injectable } from '@nestjs/common';
import { addDays, formatDate, type IsoDate } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import { CeService } from '../ce/ce.service';
import { NotificationsService } from '../notifications/notifications.service';
import { NoticesRepository } from './notices.repository';

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
    private readonly repo: NoticesRepository,
    private readonly ce: CeService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Sends the season notice on a November date unless every admin has had this year's; returns e-mails queued. */
  async sendIfDue(date: IsoDate): Promise<number> {
    if (Number(date.slice(5, 7)) !== SEASON_MONTH) return 0;
    const year = date.slice(0, 4);
    const admins = await this.repo.adminsWithout(`ce-season:${year}:`);
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
    const outboxIds = await this.repo.writeTransaction(async (tx) => {
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
    });
    await this.notifications.enqueue(outboxIds);
    return outboxIds.length;
  }

  /** Holders of the season credential expiring within the next 62 days whose confirmed CE falls short. */
  async lackingCe(date: IsoDate, viewer: AuthUser): Promise<LackingCe[]> {
    const holders = await this.repo.holdersExpiringBetween(SEASON_CREDENTIAL, date, addDays(date, 62));
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
}
