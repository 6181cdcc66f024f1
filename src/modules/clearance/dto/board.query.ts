import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';

/** The "clearance ending within" choices the board offers, in days. */
export const EXPIRING_CHOICES = [30, 60, 90] as const;
/** The "changes coming in the next" choices (a rule that starts later, a clearance that ends), in days. */
export const CHANGES_CHOICES = [30, 60, 90] as const;

const blankToUndefined = () => Transform(({ value }) => (value === '' ? undefined : value));

/** The clearance board's filters, for the page and its CSV alike; an empty choice means "any". */
export class BoardQuery {
  @ApiPropertyOptional({ example: '2027-03-12', description: 'As of this calendar date; today when left out' })
  @blankToUndefined()
  @IsOptional()
  @IsIsoDate()
  date?: string;

  @ApiPropertyOptional({ description: 'Only this practice role (its code)' })
  @blankToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string;

  @ApiPropertyOptional({
    enum: EXPIRING_CHOICES,
    description: 'Only people a clearance of whom ends within this many days',
  })
  @Transform(({ value }) => (value === '' || value === undefined ? undefined : Number(value)))
  @IsOptional()
  @IsIn(EXPIRING_CHOICES, { message: `must be one of ${EXPIRING_CHOICES.join(', ')} days` })
  expiring?: (typeof EXPIRING_CHOICES)[number];

  @ApiPropertyOptional({
    enum: CHANGES_CHOICES,
    description: 'Only people whose clearance changes within this many days',
  })
  @Transform(({ value }) => (value === '' || value === undefined ? undefined : Number(value)))
  @IsOptional()
  @IsIn(CHANGES_CHOICES, { message: `must be one of ${CHANGES_CHOICES.join(', ')} days` })
  changes?: (typeof CHANGES_CHOICES)[number];
}
