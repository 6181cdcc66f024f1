import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import type { Credential } from './credential.entity';

export type RevocationListener = (tx: EntityManager, credential: Credential, actor: Actor) => Promise<void>;

/**
 * What other features do when a credential is revoked, inside the revocation's own transaction
 * (certificates revoke theirs), so a credential and what depends on it always change together.
 * Features add listeners in their module's onModuleInit; credentials need not know them.
 */
@Injectable()
export class CredentialHooks {
  private readonly revocationListeners: RevocationListener[] = [];

  onRevoked(listener: RevocationListener): void {
    this.revocationListeners.push(listener);
  }

  async revoked(tx: EntityManager, credential: Credential, actor: Actor): Promise<void> {
    for (const listener of this.revocationListeners) await listener(tx, credential, actor);
  }
}
