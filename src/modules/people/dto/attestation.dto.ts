import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { Trim } from '../../../common/dto/transforms';

/**
 * Records THAT lived experience was verified. There is intentionally no field for what the
 * experience was: unknown fields are refused, so a diagnosis cannot be slipped in.
 */
export class RecordAttestationDto {
  @ApiPropertyOptional({ description: 'The admin who verified it; you, when left out' })
  @IsOptional()
  @IsUUID('all', { message: 'must name the admin who verified it' })
  verifiedById?: string;

  @ApiProperty({ example: '2026-03-02', description: 'Date verified (YYYY-MM-DD), not in the future' })
  @Trim()
  @IsIsoDate()
  verifiedOn!: string;

  @ApiProperty({ example: 'HR file', description: 'Where the evidence is kept, not what it says' })
  @Trim()
  @IsString()
  @MinLength(2, { message: 'must say where the evidence is kept, e.g. "HR file"' })
  @MaxLength(120, { message: 'must be at most 120 characters: where the evidence is kept, not what it says' })
  evidenceLocation!: string;
}
