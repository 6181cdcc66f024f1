import { ConflictException, Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { isIsoDate } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { CredentialHooks } from './credential-hooks';
import { REVOCATION_REASON_WORDS, type Credential } from './credential.entity';
import { CredentialsService } from './credentials.service';
import type { RevokeCredentialDto, RevokeCredentialPageDto } from './dto/credential.dto';

/** What revoking will do, said on the confirmation page before anything changes. */
export interface RevocationPreview {
  credentialId: string;
  personId: string;
  personName: string;
  code: string;
  typeName: string;
  /** What is revoked with it, e.g. "certificate 7K2QH-XM4RB-9TCV1". */
  dependents: string[];
  effectiveOn: string;
  /** The effective date is before today: clearance answers for past dates change too. */
  backdated: boolean;
  reason: string;
  /** The reason as the public verify page would word it. */
  reasonWords: string;
  note: string | null;
  reasonPublic: boolean;
}

export type RevocationStep = { revoked: Credential; preview?: never } | { preview: RevocationPreview; revoked?: never };

/**
 * Revoking from the pages is two steps, since it cannot be undone: the first post only says what
 * will happen (and refuses what the revocation itself would refuse); the second, with `confirm`,
 * revokes. The API revokes in one step, as before.
 */
@Injectable()
export class RevocationConfirmation {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly hooks: CredentialHooks,
    private readonly config: AppConfig,
  ) {}

  async revokeOnceConfirmed(credentialId: string, dto: RevokeCredentialPageDto, actor: Actor): Promise<RevocationStep> {
    const { confirm, ...fields } = dto;
    if (confirm === 'yes') return { revoked: await this.credentials.revoke(credentialId, fields, actor) };
    return { preview: await this.preview(credentialId, fields) };
  }

  private async preview(credentialId: string, dto: RevokeCredentialDto): Promise<RevocationPreview> {
    const credential = await this.credentials.getWithHolder(credentialId);
    if (credential.revokedOn)
      throw new ConflictException({
        statusCode: 409,
        message: `This credential was already revoked from ${credential.revokedOn}.`,
        errors: [],
      });
    if (!isIsoDate(dto.effectiveOn))
      throw fieldError('effectiveOn', 'must be a real date', 'The effective date is not a real date.');
    return {
      credentialId,
      personId: credential.personId,
      personName: credential.person.displayName,
      code: credential.credentialType.code,
      typeName: credential.credentialType.name,
      dependents: await this.hooks.dependents(credentialId),
      effectiveOn: dto.effectiveOn,
      backdated: dto.effectiveOn < this.config.today(),
      reason: dto.reason,
      reasonWords: REVOCATION_REASON_WORDS[dto.reason] ?? dto.reason,
      note: dto.note ?? null,
      reasonPublic: dto.reasonPublic === true,
    };
  }
}
