import { Injectable, Logger } from '@nestjs/common';
import { addDays, daysBetween, formatDate, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { CeService } from '../ce/ce.service';
import { ClearanceEngine } from '../clearance/clearance-engine';
import { ClearanceService } from '../clearance/clearance.service';
import { NotificationsService } from '../notifications/notifications.service';
import { SupervisionService } from '../supervision/supervision.service';
import { NoticesRepository } from './notices.repository';
import { isSupervisionOverdue } from '../supervision/supervision-gap';

/** The digest lists what expires within this many days. */
export const DIGEST_EXPIRING_DAYS = 60;

export interface DigestPeer {
  id: string;
  name: string;
  clearedFor: string[];
  notClearedFor: string[];
  expiring: Array<{ credential: string; expiresOn: string; days: number }>;
  lastSupervisionOn: string | null;
  supervisionGap: boolean;
  ce: Array<{ code: string; hoursDone: number; hoursNeeded: number; ready: boolean; daysLeft: number }>;
}

/**
 * The weekly e-mail to each supervisor ('maintenance.supervisor-digest'): for each person they
 * supervise, what they are cleared for, what expires in the next 60 days, whether supervision
 * sessions are overdue, and CE readiness. One per supervisor per date (keyed), so a rerun sends none twice.
 */
@Injectable()
export class SupervisorDigestService {
  private readonly logger = new Logger('SupervisorDigest');

  constructor(
    private readonly repo: NoticesRepository,
    private readonly config: AppConfig,
    private readonly clearance: ClearanceService,
    private readonly supervision: SupervisionService,
    private readonly ce: CeService,
    private readonly notifications: NotificationsService,
  ) {}

  async run(date: IsoDate): Promise<{ date: IsoDate; supervisors: number; emailsQueued: number }> {
    const assignments = await this.repo.activeAssignments(date);
    const bySupervisor = new Map<string, string[]>();
    for (const a of assignments)
      bySupervisor.set(a.supervisor_id, [...new Set([...(bySupervisor.get(a.supervisor_id) ?? []), a.peer_id])]);
    let emailsQueued = 0;
    for (const [supervisorId, peerIds] of bySupervisor) {
      const peers = await this.peersOf(supervisorId, peerIds, date);
      const gaps = peers.filter((p) => p.supervisionGap).length;
      const expiring = peers.reduce((n, p) => n + p.expiring.length, 0);
      const title = `Weekly summary for ${formatDate(date)}: ${peers.length} ${peers.length === 1 ? 'person' : 'people'}, ${expiring} expiring soon, ${gaps} overdue for supervision`;
      const outboxIds = await this.repo.writeTransaction(async (tx) => {
        const recipients = await this.notifications.recipients(tx, [supervisorId]);
        return this.notifications.write(
          tx,
          [
            {
              personId: supervisorId,
              kind: 'digest',
              title,
              body: peers
                .map(
                  (p) =>
                    `${p.name}: ${p.clearedFor.length ? `cleared for ${p.clearedFor.join(', ')}` : 'not cleared for any role'}`,
                )
                .join(' · '),
              link: '/clearance',
              dedupeKey: `digest:${supervisorId}:${date}`,
              email: {
                category: 'alert',
                subject: title,
                template: 'supervisor-digest',
                context: {
                  date: formatDate(date),
                  peers,
                  gapDays: this.config.supervisionGapDays,
                  expiringDays: DIGEST_EXPIRING_DAYS,
                  link: '/clearance',
                },
              },
            },
          ],
          recipients,
        );
      });
      await this.notifications.enqueue(outboxIds);
      emailsQueued += outboxIds.length;
    }
    this.logger.log(`Supervisor digest for ${date}: ${bySupervisor.size} supervisors, ${emailsQueued} e-mails queued.`);
    return { date, supervisors: bySupervisor.size, emailsQueued };
  }

  async peersOf(supervisorId: string, peerIds: string[], date: IsoDate): Promise<DigestPeer[]> {
    const roles = await this.clearance.roles();
    const engine = new ClearanceEngine(roles);
    const [facts, lastSessions] = await Promise.all([
      this.clearance.factsFor(peerIds),
      this.supervision.lastSessionOn(peerIds, date),
    ]);
    const expiringRows = await this.repo.expiringBetween(peerIds, date, addDays(date, DIGEST_EXPIRING_DAYS));
    const supervisor = await this.repo.nameAndEmail(supervisorId);
    const viewer = {
      id: supervisorId,
      name: supervisor?.name ?? '',
      email: supervisor?.email ?? '',
      roles: ['supervisor' as const],
      sessionId: null,
      tokenId: null,
    };
    const peers: DigestPeer[] = [];
    for (const peerId of peerIds) {
      const personFacts = facts.get(peerId);
      if (!personFacts) continue;
      const results = roles.map((r) => ({ role: r, result: engine.evaluate(r.code, date, personFacts) }));
      const last = lastSessions.get(peerId) ?? null;
      const { readiness } = await this.ce.overview(peerId, viewer, date);
      peers.push({
        id: peerId,
        name: personFacts.personName,
        clearedFor: results.filter((r) => r.result.status !== 'not_cleared').map((r) => r.role.name),
        notClearedFor: results.filter((r) => r.result.status === 'not_cleared').map((r) => r.role.name),
        expiring: expiringRows
          .filter((e) => e.person_id === peerId)
          .map((e) => ({
            credential: e.name,
            expiresOn: formatDate(e.expires_on),
            days: daysBetween(date, e.expires_on),
          })),
        lastSupervisionOn: last ? formatDate(last) : null,
        supervisionGap: isSupervisionOverdue(last, date, this.config.supervisionGapDays),
        ce: readiness.map((r) => ({
          code: r.code,
          hoursDone: r.hoursDone,
          hoursNeeded: r.hoursNeeded,
          ready: r.ready,
          daysLeft: r.daysLeft,
        })),
      });
    }
    return peers.sort((a, b) => a.name.localeCompare(b.name));
  }
}
