import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { NotificationsService } from '../notifications/notifications.service';
import type { Certificate } from './certificate.entity';

/**
 * "Your certificate is ready": the holder is told, in the app and by e-mail, when a certificate is
 * drawn for them, with the page to download it (sign-in needed) and the public verify link. Written
 * in the transaction that saves the certificate, keyed by the certificate, so a retried job or a lost
 * race never sends it twice; delivered after commit through the outbox.
 */
@Injectable()
export class CertificateReadyMail {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * A redraw that replaces a certificate is worth a message only when what it says changed (the
   * printed name or credential, or corrected data): a new layout or address alone is not news.
   */
  static worthTelling(previous: Certificate, next: Certificate, reissueReason: string | null): boolean {
    return (
      previous.recipientName !== next.recipientName ||
      previous.credentialName !== next.credentialName ||
      reissueReason === 'corrected_data'
    );
  }

  /** Writes the message inside `tx`; returns the outbox ids to `send` once it commits. */
  async write(tx: EntityManager, certificate: Certificate, replaced: boolean): Promise<string[]> {
    const recipients = await this.notifications.recipients(tx, [certificate.personId]);
    const link = `/certificates/${certificate.id}`;
    const verifyUrl = `${this.config.publicBaseUrl}/verify/${certificate.code}`;
    const what = replaced ? 'A new certificate replaces your earlier one' : 'Your certificate is ready';
    return this.notifications.write(
      tx,
      [
        {
          personId: certificate.personId,
          kind: 'certificate.ready',
          title: `${what}: ${certificate.credentialName}`,
          body: `Download it from its page (sign in first). Anyone can check it at ${verifyUrl}`,
          link,
          dedupeKey: `certificate.ready:${certificate.id}`,
          email: {
            category: 'alert',
            subject: `${what}: ${certificate.credentialName}`,
            template: 'certificate-ready',
            context: {
              credentialName: certificate.credentialName,
              printedName: certificate.recipientName,
              code: certificate.code,
              link,
              verifyUrl,
              replaced,
            },
          },
        },
      ],
      recipients,
    );
  }

  send(outboxIds: string[]): Promise<void> {
    return this.notifications.enqueue(outboxIds);
  }
}
