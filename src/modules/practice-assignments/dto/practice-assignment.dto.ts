import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { Trim, TrimToNull } from '../../../common/dto/transforms';

export class AssignPracticeRoleDto {
  @ApiProperty({ example: 'PSS', description: 'The practice role, by code or name (any capitals)' })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'must name a practice role' })
  @MaxLength(200)
  practiceRole!: string;

  @ApiProperty({ example: '2026-12-01', description: 'First day they work in it' })
  @Trim()
  @IsIsoDate()
  from!: string;

  @ApiPropertyOptional({ example: '2027-06-30', description: 'Last day, when already known; open-ended when left out' })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  to?: string | null;
}

export class EndPracticeRoleDto {
  @ApiProperty({ example: '2026-12-31', description: 'Last day they work in it' })
  @Trim()
  @IsIsoDate()
  to!: string;
}
