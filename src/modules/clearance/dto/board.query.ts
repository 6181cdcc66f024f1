import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { BOARD_ROLE_MODES, type BoardRoleMode } from '../board-cells';

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

  @ApiPropertyOptional({
    enum: BOARD_ROLE_MODES,
    description:
      'assigned (the default): colour and count only the roles each person works in; all: every role, as before assignments',
  })
  @blankToUndefined()
  @IsOptional()
  @IsIn(BOARD_ROLE_MODES, { message: 'must be assigned or all' })
  roles?: BoardRoleMode;
}

/**
 * The board API's filters: the page's, with `role` repeatable (`?role=PSS&role=CRSS`) as the API has always
 * taken it; blank roles are left out, so `?role=` means every role, as on the page.
 */
export class BoardApiQuery extends OmitType(BoardQuery, ['role'] as const) {
  @ApiPropertyOptional({ type: [String], description: 'Only these practice roles (code or name); repeat for more' })
  @Transform(({ value }: { value: unknown }) => {
    const roles = (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v) => v !== '');
    return roles.length ? roles : undefined;
  })
  @IsOptional()
  // The page's words for one role, not class-validator's "each value in role …".
  @IsString({ each: true, message: 'must be a string' })
  @MaxLength(100, { each: true, message: 'must be shorter than or equal to 100 characters' })
  role?: string[];
}

/** One person's clearance: as of a date, for every practice role or one; the person page's messages. */
export class PersonClearanceQuery {
  @ApiPropertyOptional({ example: '2027-03-12', description: 'YYYY-MM-DD; today in the program time zone by default' })
  @blankToUndefined()
  @IsOptional()
  @IsIsoDate({ message: 'must be a date (YYYY-MM-DD)' })
  date?: string;

  @ApiPropertyOptional({
    description: 'A practice role, by code or name (any capitals), e.g. JAIL-SERVICES or "Jail services"',
  })
  @blankToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string;
}
