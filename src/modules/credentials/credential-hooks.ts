import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import type { Credential } from './credential.entity';

export type RevocationListener = (tx: EntityManager, credential: Credential, actor: Actor) => Promise<void>;
/** What a feature would revoke with the credential, in words for the confirmation page ("certificate 7K2QH-…"). */
export type DependentsListener = (credentialId: string) => Promise<string[]>;

/**
 * What other features do when a credential is revoked, inside the revocation's own transaction
 * (certificates revoke theirs), so a credential and what depends on it always change together.
 * Features add listeners in their module's onModuleInit; credentials need not know them.
 */
@Injectable()
export class CredentialHooks {
  private readonly revocationListeners: RevocationListener[] = [];
  private readonly dependentsListeners: DependentsListener[] = [];

  onRevoked(listener: RevocationListener): void {
    this.revocationListeners.push(listener);
  }

  async revoked(tx: EntityManager, credential: Credential, actor: Actor): Promise<void> {
    for (const listener of this.revocationListeners) await listener(tx, credential, actor);
  }

  onDescribeDependents(listener: DependentsListener): void {
    this.dependentsListeners.push(listener);
  }

  /** What revoking this credential would revoke with it, for the admin to read before confirming. */
  async dependents(credentialId: string): Promise<string[]> {
    const found: string[] = [];
    for (const listener of this.dependentsListeners) found.push(...(await listener(credentialId)));
    return found;
  }
}
