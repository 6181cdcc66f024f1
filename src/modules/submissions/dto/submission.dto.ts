import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Trim, TrimToNull } from '../../../common/dto/transforms';
import { VerifyCredentialDto } from '../../credentials/dto/credential.dto';
import { SUBMISSION_KINDS, SUBMISSION_STATES, type SubmissionKind, type SubmissionState } from '../submission.entity';

/**
 * What kind of record a submission hands in. The record's own fields are checked with the record's own
 * DTO (RecordCredentialDto, SubmitCeDto) under the same names, so a submission refuses what the
 * record's API refuses, in the same words.
 */
export class SubmissionKindDto {
  @ApiProperty({ enum: SUBMISSION_KINDS })
  @IsIn(SUBMISSION_KINDS, { message: `must be one of ${SUBMISSION_KINDS.join(', ')}` })
  kind!: SubmissionKind;

  @ApiPropertyOptional({ description: 'For a renewal: the credential it renews' })
  @TrimToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be the id of the credential being renewed' })
  credentialId?: string | null;

  @ApiPropertyOptional({ description: 'For a resubmission: the returned submission this answers' })
  @TrimToNull()
  @IsOptional()
  @IsUUID('all', { message: 'must be the id of the returned submission' })
  previousId?: string | null;
}

/** Approving: the primary-source check, in the fields of POST /api/v1/credentials/{id}/verification. */
export class ApproveSubmissionDto extends VerifyCredentialDto {}

export class ReturnSubmissionDto {
  @ApiProperty({ example: 'The scan is cut off: the expiry date is not readable. Please upload the whole page.' })
  @Trim()
  @IsString()
  @MinLength(5, { message: 'must say what to fix, in a sentence' })
  @MaxLength(500)
  reason!: string;
}

export class SubmissionListQuery {
  @ApiPropertyOptional({ enum: SUBMISSION_STATES })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsIn(SUBMISSION_STATES, { message: `must be one of ${SUBMISSION_STATES.join(', ')}` })
  state?: SubmissionState;

  @ApiPropertyOptional({ enum: SUBMISSION_KINDS })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsIn(SUBMISSION_KINDS, { message: `must be one of ${SUBMISSION_KINDS.join(', ')}` })
  kind?: SubmissionKind;
}
