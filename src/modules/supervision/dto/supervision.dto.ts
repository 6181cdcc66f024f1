import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Equals,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { FreeText } from '../../../common/dto/free-text';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { ToBoolean, ToInt, Trim, TrimToNull } from '../../../common/dto/transforms';

export class QualifySupervisorDto {
  @ApiProperty({ example: 'LCPC #MT-20417', description: 'The licence that qualifies them to supervise peers' })
  @Trim()
  @IsString()
  @MinLength(3, { message: 'must name the licence, e.g. "LCPC #MT-20417"' })
  @MaxLength(120)
  licence!: string;

  @ApiProperty({ example: '2026-01-01' })
  @Trim()
  @IsIsoDate()
  qualifiedFrom!: string;

  @ApiPropertyOptional({ example: '2027-12-31', description: 'Last day qualified; leave out while it lasts' })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  qualifiedUntil?: string | null;
}

export class AssignSupervisorDto {
  @ApiProperty({ description: 'The peer' })
  @IsUUID('all', { message: 'must name the peer' })
  peerId!: string;

  @ApiProperty({ description: 'The supervisor' })
  @IsUUID('all', { message: 'must name the supervisor' })
  supervisorId!: string;

  @ApiProperty({
    example: '2026-12-01',
    description: 'First day of supervision; the previous assignment ends the day before',
  })
  @Trim()
  @IsIsoDate()
  startsOn!: string;

  @ApiPropertyOptional({
    example: '2027-06-30',
    description: 'Last day of supervision, when it is known already; open-ended when left out',
  })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  to?: string | null;
}

export class EndDto {
  @ApiProperty({ example: '2026-12-31', description: 'Last day' })
  @Trim()
  @IsIsoDate()
  endsOn!: string;
}

export class LogSessionDto {
  @ApiProperty({ example: '2026-11-20' })
  @Trim()
  @IsIsoDate()
  heldOn!: string;

  @ApiProperty({ example: 60, description: 'Minutes, in blocks of at least 15' })
  @ToInt()
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(15, { message: 'must be at least 15 minutes' })
  @Max(480, { message: 'must be at most 480 minutes (8 hours)' })
  @ValidateBy({
    name: 'quarterHours',
    validator: {
      validate: (v: unknown) => typeof v === 'number' && v % 15 === 0,
      defaultMessage: () => 'must be in blocks of 15 minutes (15, 30, 45, 60, …)',
    },
  })
  minutes!: number;

  @ApiProperty({ description: 'What was covered. Never client names or client information.' })
  @Trim()
  @IsString()
  @FreeText()
  @MinLength(10, { message: 'must say briefly what was covered (at least 10 characters)' })
  @MaxLength(1000, { message: 'must be at most 1000 characters' })
  summary!: string;

  @ApiProperty({ description: 'The supervisor attests the session took place as recorded' })
  @ToBoolean()
  @Equals(true, { message: 'must be ticked: you attest the session took place as recorded' })
  attest!: boolean;
}

/** The log form's address: `?personId=` preselects a supervisee (from My supervisees or the board). */
export class LogFormQuery {
  @IsOptional()
  @IsUUID('all', { message: 'must name a person' })
  personId?: string;
}
