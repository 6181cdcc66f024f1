import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ToInt } from '../../../common/dto/transforms';
import { COHORT_STATUSES, type CohortStatus } from '../cohort.entity';

/** The cohort list's filter, for the API and the page alike; "any status" is the empty choice. */
export class CohortListQuery {
  @ApiPropertyOptional({ enum: COHORT_STATUSES })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsIn(COHORT_STATUSES, { message: `must be one of ${COHORT_STATUSES.join(', ')}` })
  status?: CohortStatus;
}

const count = () => [ToInt(), IsOptional(), IsInt({ message: 'must be a whole number' }), Min(0), Max(100_000)];

/** The cohort page's address: a notice after a form, the person search, and what an import or schedule did. */
export class CohortPageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  notice?: string;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  q?: string;

  @applyDecorators(...count())
  imported?: number;

  @applyDecorators(...count())
  skipped?: number;

  /** Sessions a schedule created. */
  @applyDecorators(...count())
  count?: number;
}

/** The completion page's address: a notice after a form, and how many credentials completing awarded. */
export class CompletionPageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  notice?: string;

  @applyDecorators(...count())
  awarded?: number;
}
