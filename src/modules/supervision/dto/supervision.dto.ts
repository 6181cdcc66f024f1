import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { Trim, TrimToNull } from '../../../common/dto/transforms';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class QualifySupervisorDto {
  @ApiProperty({ example: 'LCPC #MT-20417', description: 'The licence that qualifies them to supervise peers' })
  @Trim()
  @IsString()
  @MinLength(3, { message: 'must name the licence, e.g. "LCPC #MT-20417"' })
  @MaxLength(120)
  licence!: string;

  @ApiProperty({ example: '2026-01-01' })
  @Trim()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  qualifiedFrom!: string;

  @ApiPropertyOptional({ example: '2027-12-31', description: 'Last day qualified; leave out while it lasts' })
  @TrimToNull()
  @IsOptional()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  qualifiedUntil?: string | null;
}

export class AssignSupervisorDto {
  @ApiProperty({ description: 'The peer' })
  @IsUUID('all', { message: 'must name the peer' })
  peerId!: string;

  @ApiProperty({ description: 'The supervisor' })
  @IsUUID('all', { message: 'must name the supervisor' })
  supervisorId!: string;

  @ApiProperty({ example: '2026-12-01', description: 'First day of supervision; the previous assignment ends the day before' })
  @Trim()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  startsOn!: string;
}

export class EndDto {
  @ApiProperty({ example: '2026-12-31', description: 'Last day' })
  @Trim()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  endsOn!: string;
}
