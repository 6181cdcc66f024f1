import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { sqlRows } from '../../common/db/sql';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { JobQueue } from '../jobs/jobs';
import { Person } from '../people/person.entity';
import { NotificationPreference } from './notification-preference.entity';
import { Notification } from './notification.entity';

/** Reminders respect the person's e-mail choice; alerts (clearance, digests, CE season) go to those responsible regardless. */
export type EmailCategory = 'reminder' | 'alert';

export interface NotificationInput {
  personId: string;
  kind: string;
  title: string;
  body: string;
  link?: string | null;
  /** The message exists once: a second write with the same key is ignored (both in-app and e-mail). */
  dedupeKey?: string;
  email?: { category: EmailCategory; subject: string; template: string; context: Record<string, unknown> };
}

export interface Recipient {
  id: string;
  name: string;
  email: string;
  emailReminders: boolean;
}

export const INBOX_PAGE_SIZE = 50;

/**
 * Writes notifications — the in-app one and, when due, an outbox e-mail — inside the caller's
 * transaction, so they exist exactly when what caused them does. Delivery happens after commit
 * through `enqueue` (and the outbox sweep, should that be lost).
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
  ) {}

  /** Name, address and reminder choice of these people (active ones only), in a query per 900. */
  async recipients(manager: EntityManager, personIds: string[]): Promise<Map<string, Recipient>> {
    const found = new Map<string, Recipient>();
    const unique = [...new Set(personIds)];
    for (let i = 0; i < unique.length; i += 900) {
      const rows = await manager
        .createQueryBuilder()
        .select([
          'p.id AS id',
          'p.name AS name',
          'p.preferred_name AS preferred_name',
          'p.email AS email',
          'np.email_reminders AS email_reminders',
        ])
        .from(Person, 'p')
        .leftJoin(NotificationPreference, 'np', 'np.person_id = p.id')
        .where('p.id IN (:...ids)', { ids: unique.slice(i, i + 900) })
        .andWhere("p.status = 'active'")
        .getRawMany<{
          id: string;
          name: string;
          preferred_name: string | null;
          email: string;
          email_reminders: boolean | number | null;
        }>();
      for (const r of rows) {
        found.set(r.id, {
          id: r.id,
          name: r.preferred_name ?? r.name,
          email: r.email,
          emailReminders:
            r.email_reminders === null || r.email_reminders === undefined ? true : Boolean(r.email_reminders),
        });
      }
    }
    return found;
  }

  /**
   * Writes each notification in `manager`'s transaction; returns the outbox ids to `enqueue` after
   * commit. A message whose key exists already is skipped whole.
   */
  async write(
    manager: EntityManager,
    inputs: NotificationInput[],
    recipients: Map<string, Recipient>,
  ): Promise<string[]> {
    const outboxIds: string[] = [];
    for (const input of inputs) {
      const recipient = recipients.get(input.personId);
      if (!recipient) continue;
      const inserted = await sqlRows(
        manager,
        `INSERT INTO notifications (id, person_id, kind, title, body, link, dedupe_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          randomUUID(),
          input.personId,
          input.kind,
          input.title.slice(0, 300),
          input.body.slice(0, 4000),
          input.link ?? null,
          input.dedupeKey ?? null,
          new Date(),
        ],
      );
      if (inserted.length === 0) continue;
      const email = input.email;
      if (!email || !recipient.email || (email.category === 'reminder' && !recipient.emailReminders)) continue;
      const id = randomUUID();
      await sqlRows(
        manager,
        `INSERT INTO outbox (id, person_id, to_address, subject, template, context, state, dedupe_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)`,
        [
          id,
          recipient.id,
          recipient.email,
          email.subject.slice(0, 300),
          email.template,
          JSON.stringify({ recipientName: recipient.name, ...email.context }),
          input.dedupeKey ?? null,
          new Date(),
        ],
      );
      outboxIds.push(id);
    }
    return outboxIds;
  }

  /** After commit: one delivery job per message (keyed, so a message is never queued twice). */
  async enqueue(outboxIds: string[]): Promise<void> {
    for (const outboxId of outboxIds)
      await this.jobs.add('notification.deliver', { outboxId }, { key: `deliver:${outboxId}` });
  }

  async unreadCount(personId: string): Promise<number> {
    return this.dataSource.getRepository(Notification).countBy({ personId, readAt: IsNull() });
  }

  async inbox(
    personId: string,
    page = 1,
  ): Promise<{ items: Notification[]; unread: number; total: number; page: number; pages: number }> {
    const repo = this.dataSource.getRepository(Notification);
    const [items, total] = await repo.findAndCount({
      where: { personId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * INBOX_PAGE_SIZE,
      take: INBOX_PAGE_SIZE,
    });
    return {
      items,
      total,
      unread: await this.unreadCount(personId),
      page,
      pages: Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE)),
    };
  }

  /** Marks one of the person's own notifications read; someone else's is a 404. */
  async markRead(personId: string, id: string, actor: Actor): Promise<Notification> {
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(Notification);
      const found = await repo.findOneBy({ id, personId });
      if (!found)
        throw new NotFoundException({ statusCode: 404, message: 'There is no such notification.', errors: [] });
      if (!found.readAt) {
        found.readAt = new Date();
        await repo.update({ id }, { readAt: found.readAt });
        await this.audit.record(tx, actor, { action: 'notification.read', entityType: 'notification', entityId: id });
      }
      return found;
    });
  }

  async markAllRead(personId: string, actor: Actor): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const result = await tx
        .getRepository(Notification)
        .update({ personId, readAt: IsNull() }, { readAt: new Date() });
      const count = result.affected ?? 0;
      if (count > 0)
        await this.audit.record(tx, actor, {
          action: 'notification.read_all',
          entityType: 'person',
          entityId: personId,
          after: { count },
        });
      return count;
    });
  }

  async preferences(personId: string): Promise<{ emailReminders: boolean }> {
    const found = await this.dataSource.getRepository(NotificationPreference).findOneBy({ personId });
    return { emailReminders: found?.emailReminders ?? true };
  }

  async setPreferences(personId: string, emailReminders: boolean, actor: Actor): Promise<{ emailReminders: boolean }> {
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(NotificationPreference);
      const before = (await repo.findOneBy({ personId }))?.emailReminders ?? true;
      await repo.upsert({ personId, emailReminders }, ['personId']);
      await this.audit.record(tx, actor, {
        action: 'notification.preferences',
        entityType: 'person',
        entityId: personId,
        before: { emailReminders: before },
        after: { emailReminders },
      });
      return { emailReminders };
    });
  }
}
