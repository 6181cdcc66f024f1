import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../../../common/dto/transforms';

/**
 * Records THAT lived experience was verified. There is intentionally no field for what the
 * experience was: unknown fields are refused, so a diagnosis cannot be slipped in.
 */
export class RecordAttestationDto {
  @ApiProperty({ description: 'The admin who verified it' })
  @IsUUID('all', { message: 'must name the admin who verified it' })
  verifiedById!: string;

  @ApiProperty({ example: '2026-03-02', description: 'Date verified (YYYY-MM-DD), not in the future' })
  @Trim()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date (YYYY-MM-DD)' })
  verifiedOn!: string;

  @ApiProperty({ example: 'HR file', description: 'Where the evidence is kept, not what it says' })
  @Trim()
  @IsString()
  @MinLength(2, { message: 'must say where the evidence is kept, e.g. "HR file"' })
  @MaxLength(120, { message: 'must be at most 120 characters: where the evidence is kept, not what it says' })
  evidenceLocation!: string;
}
