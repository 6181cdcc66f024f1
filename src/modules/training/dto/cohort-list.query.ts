import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { COHORT_STATUSES, type CohortStatus } from '../cohort.entity';

/** The cohort list's filter, for the API and the page alike; "any status" is the empty choice. */
export class CohortListQuery {
  @ApiPropertyOptional({ enum: COHORT_STATUSES })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsIn(COHORT_STATUSES, { message: `must be one of ${COHORT_STATUSES.join(', ')}` })
  status?: CohortStatus;
}
