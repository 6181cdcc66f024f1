import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
} from 'class-validator';
import { ToInt, Trim, TrimToNull } from '../../../common/dto/transforms';
import { REISSUE_REASONS, type ReissueReason } from '../certificate.entity';

export class ReissueCertificateDto {
  @ApiProperty({ enum: REISSUE_REASONS, description: 'Why a new certificate replaces this one' })
  @IsIn(REISSUE_REASONS, { message: `must be one of ${REISSUE_REASONS.join(', ')}` })
  reason!: ReissueReason;

  @ApiPropertyOptional({ example: 'Printed name corrected at her request' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  note?: string | null;
}

export class RegenerateCertificatesDto extends ReissueCertificateDto {
  @ApiProperty({
    type: [String],
    description: 'Credential ids whose certificates are made anew from the current layout (at most 1,000)',
  })
  // A form with one ticked box sends a string, not a list.
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray({ message: 'must list the certificates to regenerate' })
  @ArrayMinSize(1, { message: 'must select at least one certificate' })
  @ArrayMaxSize(1000, { message: 'must select at most 1,000 certificates at a time' })
  @IsUUID('all', { each: true, message: 'must be credential ids' })
  credentialIds!: string[];
}

/** Redrawing the certificates drawn with a local address: the server finds them when it is posted. */
export class RedrawLocalCertificatesDto {
  @ApiPropertyOptional({ description: 'Kept with each re-issue; by default it names the old and the new address' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  note?: string | null;
}

export class ListCertificatesQuery {
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string | null;

  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  type?: string | null;

  @ToInt()
  @IsOptional()
  @IsInt()
  @Min(1)
  page?: number | null;
}

export class VerifyFormQuery {
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(60, { message: 'is longer than any verification code' })
  code?: string;
}
