import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { ToBoolean, Trim, TrimToNull } from '../../../common/dto/transforms';
import {
  REVOCATION_REASONS,
  SUSPENSION_REASONS,
  VERIFICATION_RESULTS,
  type RevocationReason,
  type SuspensionReason,
  type VerificationResult,
} from '../credential.entity';

export class RecordCredentialDto {
  @ApiProperty({ example: 'MT-CBHPSS' })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(32)
  credentialTypeCode!: string;

  @ApiProperty({ example: '2026-01-10' })
  @Trim()
  @IsIsoDate()
  issuedOn!: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: "Leave out to use the type's validity; set it only with expiryNote",
  })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  expiresOn?: string | null;

  @ApiPropertyOptional({ description: 'Why the expiry date differs from what the credential type gives' })
  @TrimToNull()
  @ValidateIf((dto: RecordCredentialDto) => !!dto.expiresOn)
  @IsString({ message: 'is required when you set the expiry date by hand: say why' })
  @MinLength(3, { message: 'is required when you set the expiry date by hand: say why' })
  @MaxLength(200)
  expiryNote?: string | null;

  @ApiPropertyOptional({ example: 'CBHPSS-4139' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  licenceNumber?: string | null;

  @ApiPropertyOptional({ example: 'Montana Board of Behavioral Health' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  issuingBody?: string | null;

  @ApiPropertyOptional({ example: 'Copy in HR file', description: 'Where the evidence is kept' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  evidenceNote?: string | null;
}

export class RevokeCredentialDto {
  @ApiProperty({ example: '2026-06-01', description: 'From this date on, it no longer counts (may be in the past)' })
  @Trim()
  @IsIsoDate()
  effectiveOn!: string;

  @ApiProperty({ enum: REVOCATION_REASONS })
  @IsIn(REVOCATION_REASONS, { message: `must be one of ${REVOCATION_REASONS.join(', ')}` })
  reason!: RevocationReason;

  @ApiPropertyOptional({ description: 'A short note; no client or health information' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  note?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Show the reason category on the public verify page; hidden when left out (the date always shows)',
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  reasonPublic?: boolean;
}

/**
 * The revoke form's second step: the same fields, and `confirm` once the admin has read on the
 * confirmation page what revoking does. Without it the page asks first and changes nothing.
 */
export class RevokeCredentialPageDto extends RevokeCredentialDto {
  @IsOptional()
  @IsIn(['yes'], { message: 'must be "yes", from the confirmation page' })
  confirm?: 'yes';
}

export class VerifyCredentialDto {
  @ApiProperty({ example: '2026-11-20', description: "When the issuer's licence lookup was checked" })
  @Trim()
  @IsIsoDate()
  verifiedOn!: string;

  @ApiProperty({ enum: VERIFICATION_RESULTS })
  @IsIn(VERIFICATION_RESULTS, { message: `must be one of ${VERIFICATION_RESULTS.join(', ')}` })
  result!: VerificationResult;

  @ApiPropertyOptional({ example: 'Montana licence lookup', description: 'Where the check was made' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string | null;
}

export class ChangeExpiryDto {
  @ApiProperty({ example: '2027-03-31', description: 'The new expiry date; leave out (null) for "does not expire"' })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  expiresOn!: string | null;

  @ApiProperty({ example: 'Board granted a 90-day extension (letter in HR file)' })
  @Trim()
  @IsString()
  @MinLength(3, { message: 'must say why the expiry date changes' })
  @MaxLength(200)
  reason!: string;
}

export class SuspendCredentialDto {
  @ApiProperty({ example: '2026-12-01', description: 'First day it does not count' })
  @Trim()
  @IsIsoDate()
  from!: string;

  @ApiPropertyOptional({
    example: '2027-01-15',
    description: 'Last day of the suspension; leave out while it is open (send again later to end it)',
  })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  until?: string | null;

  @ApiProperty({ enum: SUSPENSION_REASONS })
  @IsIn(SUSPENSION_REASONS, { message: `must be one of ${SUSPENSION_REASONS.join(', ')}` })
  reason!: SuspensionReason;
}
