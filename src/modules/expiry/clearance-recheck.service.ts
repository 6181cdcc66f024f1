import { Injectable } from '@nestjs/common';
import { addDays, type IsoDate } from '../../common/dates';
import { systemActor } from '../../common/auth/actor';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import { ClearanceEngine } from '../clearance/clearance-engine';
import { ClearanceService } from '../clearance/clearance.service';
import { NotificationsService, type NotificationInput } from '../notifications/notifications.service';
import { clearanceNotices } from './expiry-notices';
import { CHUNK, ExpiryRepository, type FactsChanged } from './expiry.repository';

/**
 * The expiry scan's second half: clearance of the people the scan's credentials and window concern,
 * compared with the last one known, each change stored, audited and told to the person's supervisors.
 */
@Injectable()
export class ClearanceRecheckService {
  constructor(
    private readonly repo: ExpiryRepository,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clearance: ClearanceService,
  ) {}

  /**
   * Clearance of the affected people for every practice role (status only: the engine's brief
   * mode), against the last one known — or, for someone never seen, as it stood on `since`, the
   * start of the scan's window (the day before, by default): each change is stored and told to
   * the person's supervisors. The `clearance_facts_changed` markers in `marked` (as the scan read
   * them) are deleted in the transaction that stores their person's clearance, so a scan that dies
   * halfway leaves the rest marked; a backdated assignment end in one still reaches its supervisor.
   */
  async recheck(
    personIds: string[],
    date: IsoDate,
    since: IsoDate = addDays(date, -1),
    marked: Map<string, FactsChanged> = new Map(),
  ): Promise<{ changes: number; emails: number }> {
    let changes = 0;
    let emails = 0;
    if (personIds.length === 0) return { changes, emails };
    const roles = await this.clearance.roles();
    const engine = new ClearanceEngine(roles);
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const facts = await this.clearance.factsFor(ids);
      const ended = new Map<string, IsoDate>();
      for (const id of ids) {
        const on = marked.get(id)?.supervisionEndedOn;
        if (on) ended.set(id, on);
      }
      const supervisors = await this.repo.supervisorsOf(ids, date, since, ended);
      const outboxIds = await this.repo.writeTransaction(async (tx) => {
        const known = await this.repo.snapshots(tx, ids);
        const recipients = await this.notifications.recipients(tx, [...ids, ...[...supervisors.values()].flat()]);
        const notices: NotificationInput[] = [];
        const audit: AuditEvent[] = [];
        for (const personId of ids) {
          const personFacts = facts.get(personId);
          if (!personFacts) continue;
          for (const role of roles) {
            const now = engine.brief(role.code, date, personFacts).status !== 'not_cleared';
            const before =
              known.get(`${personId}|${role.code}`) ??
              engine.brief(role.code, since, personFacts).status !== 'not_cleared';
            await this.repo.saveSnapshot(tx, personId, role.code, now, date);
            if (now === before) continue;
            changes++;
            audit.push({
              action: now ? 'clearance.regained' : 'clearance.lost',
              entityType: 'person',
              entityId: personId,
              after: { role: role.code, on: date },
            });
            notices.push(...clearanceNotices(personId, role, now, date, supervisors.get(personId) ?? [], recipients));
          }
        }
        await this.audit.recordMany(tx, systemActor('expiry scan'), audit);
        const markers = new Map(ids.filter((id) => marked.has(id)).map((id) => [id, marked.get(id)!.version]));
        await this.repo.consumeFactsChanged(tx, markers);
        return this.notifications.write(tx, notices, recipients);
      });
      await this.notifications.enqueue(outboxIds);
      emails += outboxIds.length;
    }
    return { changes, emails };
  }
}
