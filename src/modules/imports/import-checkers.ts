import { Injectable } from '@nestjs/common';
import { AccountLinksService } from '../auth/account-links.service';
import { NotificationsService } from '../notifications/notifications.service';
import { CertificateRequests } from '../training/certificate-requests';
import type { ImportKind } from './import.entity';
import type { ImportChecker, ImportEnv, ImportServices } from './kinds/import-kind';
import { CHECKERS } from './kinds';

/** Makes the checker of a kind of file, with the services the kinds need handed in. */
@Injectable()
export class ImportCheckers {
  private readonly services: ImportServices;

  constructor(
    accountLinks: AccountLinksService,
    notifications: NotificationsService,
    certificates: CertificateRequests,
  ) {
    this.services = { accountLinks, notifications, certificates };
  }

  create(kind: ImportKind, env: ImportEnv): Promise<ImportChecker> {
    return CHECKERS[kind](env, this.services);
  }
}
