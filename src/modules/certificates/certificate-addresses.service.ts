import { ConflictException, Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { isLocalAddress } from '../../common/local-address';
import { AppConfig } from '../../config/app-config';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';

/** Current certificates whose QR code and verify link point at a local address, and what can be done about it. */
export interface LocalAddressSummary {
  /** How many current, unrevoked certificates were drawn with a local address. */
  total: number;
  /** Those, by the address they were drawn with. */
  addresses: Array<{ baseUrl: string; count: number }>;
  /** The public address a redraw would print; null while PUBLIC_BASE_URL is unset or itself local. */
  redrawWith: string | null;
}

/**
 * Certificates drawn while the app's address was a local one (issue 19). Their PDFs never change, so
 * the fix is a redraw: a re-issue with the reason `public_address`, through the same regenerate job
 * and audit trail as any re-issue, so the old certificates stay as history and point to the new ones.
 */
@Injectable()
export class CertificateAddresses {
  constructor(
    private readonly repository: CertificatesRepository,
    private readonly certificates: CertificatesService,
    private readonly config: AppConfig,
  ) {}

  /** The address certificates drawn now get, when it is a public one PUBLIC_BASE_URL set. */
  publicAddress(): string | null {
    const { publicBaseUrl, publicBaseUrlFrom } = this.config;
    return publicBaseUrlFrom === 'PUBLIC_BASE_URL' && !isLocalAddress(publicBaseUrl) ? publicBaseUrl : null;
  }

  async localSummary(): Promise<LocalAddressSummary> {
    const addresses = (await this.repository.countCurrentByDrawnBase()).filter((a) => isLocalAddress(a.baseUrl));
    return {
      total: addresses.reduce((sum, a) => sum + a.count, 0),
      addresses,
      redrawWith: this.publicAddress(),
    };
  }

  /** The credentials whose current certificate was drawn with a local address, oldest first. */
  async findDrawnWithLocalAddress(): Promise<string[]> {
    const { addresses } = await this.localSummary();
    return this.repository.findCredentialIdsDrawnWith(addresses.map((a) => a.baseUrl));
  }

  /** Queues one regenerate job that redraws every such certificate with the public address; returns the job's id. */
  async redrawLocal(note: string | null, actor: Actor): Promise<string> {
    const redrawWith = this.publicAddress();
    if (!redrawWith)
      throw new ConflictException(
        'Set PUBLIC_BASE_URL to the public address (such as https://lms.example.org) and restart first: a redraw now would print a local address again.',
      );
    const { addresses } = await this.localSummary();
    const credentialIds = await this.repository.findCredentialIdsDrawnWith(addresses.map((a) => a.baseUrl));
    if (!credentialIds.length) throw new ConflictException('No current certificate points at a local address.');
    const from = addresses.map((a) => a.baseUrl).join(', ');
    return this.certificates.requestReissue(
      credentialIds,
      'public_address',
      note ?? `Redrawn with ${redrawWith} (was ${from})`.slice(0, 300),
      actor,
    );
  }
}
