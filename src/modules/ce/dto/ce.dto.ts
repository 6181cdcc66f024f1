import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { IsQuarterHours } from '../../../common/dto/quarter-hours';
import { ToNumber, Trim, TrimToNull } from '../../../common/dto/transforms';
import { CE_CATEGORIES, type CeCategory } from '../ce-entry.entity';

export class SubmitCeDto {
  @ApiProperty({ example: 'Suicide prevention: QPR gatekeeper training' })
  @Trim()
  @IsString()
  @MinLength(3, { message: 'must be at least 3 characters' })
  @MaxLength(200)
  title!: string;

  @ApiProperty({ example: 'Montana DPHHS' })
  @Trim()
  @IsString()
  @MinLength(2, { message: 'must be at least 2 characters' })
  @MaxLength(200)
  provider!: string;

  @ApiProperty({ example: '2026-10-14' })
  @Trim()
  @IsIsoDate()
  completedOn!: string;

  @ApiProperty({ example: 2, description: 'Hours, in quarter hours' })
  @ToNumber()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'must be a number of hours' })
  @Min(0.25, { message: 'must be at least a quarter hour' })
  @Max(40, { message: 'must be at most 40 hours for one activity' })
  @IsQuarterHours()
  hours!: number;

  @ApiProperty({ enum: CE_CATEGORIES })
  @IsIn(CE_CATEGORIES, { message: `must be one of ${CE_CATEGORIES.join(', ')}` })
  category!: CeCategory;

  @ApiPropertyOptional({ example: 'Certificate in HR file' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  evidenceNote?: string | null;
}

export class ReviewCeDto {
  @ApiProperty({ enum: ['confirmed', 'rejected'] })
  @IsIn(['confirmed', 'rejected'], { message: 'must be confirmed or rejected' })
  decision!: 'confirmed' | 'rejected';
}
