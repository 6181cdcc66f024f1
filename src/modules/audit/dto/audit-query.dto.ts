import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { ToInt } from '../../../common/dto/transforms';

const blank = () => Transform(({ value }) => (value === '' ? undefined : value));

export class AuditQuery {
  @ApiPropertyOptional({ description: 'Entries by or about this person' })
  @blank()
  @IsOptional()
  @IsUUID('all', { message: 'must be a person id' })
  personId?: string;

  @ApiPropertyOptional({ example: 'person' })
  @blank()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  entityType?: string;

  @ApiPropertyOptional({ example: 'person.updated' })
  @blank()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  action?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'From this date (program time zone)' })
  @blank()
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Up to and including this date' })
  @blank()
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({ default: 1 })
  @ToInt()
  @IsOptional()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ default: 50 })
  @ToInt()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}
