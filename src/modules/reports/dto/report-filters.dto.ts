import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { TrimToNull } from '../../../common/dto/transforms';
import { COHORT_SETTINGS, type CohortSetting } from '../../training/cohort.entity';

/** The filters every report reads from its query string; each report says which of them apply to it. */
export class ReportFiltersDto {
  @ApiPropertyOptional({ description: 'Start of the period (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @TrimToNull()
  @IsIsoDate()
  from?: string | null;

  @ApiPropertyOptional({ description: 'End of the period (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @TrimToNull()
  @IsIsoDate()
  to?: string | null;

  @ApiPropertyOptional({
    description: 'As-of date for statuses (YYYY-MM-DD); today in the program time zone by default',
  })
  @IsOptional()
  @TrimToNull()
  @IsIsoDate()
  date?: string | null;

  @ApiPropertyOptional({ description: 'A course id' })
  @IsOptional()
  @TrimToNull()
  @IsUUID('all', { message: 'must be a course id' })
  course?: string | null;

  @ApiPropertyOptional({ description: 'A credential type code, e.g. MT-CBHPSS' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(32)
  credentialType?: string | null;

  @ApiPropertyOptional({ description: 'A practice role code, e.g. JAIL-SERVICES' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(40)
  role?: string | null;

  @ApiPropertyOptional({ description: "A supervisor's person id: only their supervisees" })
  @IsOptional()
  @TrimToNull()
  @IsUUID('all', { message: 'must be a person id' })
  supervisor?: string | null;

  @ApiPropertyOptional({ enum: COHORT_SETTINGS, description: 'Cohort setting' })
  @IsOptional()
  @TrimToNull()
  @IsIn(COHORT_SETTINGS, { message: `must be one of ${COHORT_SETTINGS.join(', ')}` })
  setting?: CohortSetting | null;

  @ApiPropertyOptional({ description: "Part of a cohort's location, e.g. Yellowstone County" })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  location?: string | null;
}

export class DashboardQueryDto {
  @ApiPropertyOptional({
    description: 'The day the dashboard is as of (YYYY-MM-DD); today in the program time zone by default',
  })
  @IsOptional()
  @TrimToNull()
  @IsIsoDate()
  date?: string | null;
}
