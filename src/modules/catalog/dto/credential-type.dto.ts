import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateBy,
} from 'class-validator';
import { OptionalFreeText, RequiredText } from '../../../common/dto/fields';
import { ToBoolean, ToInt, ToNumber, Trim } from '../../../common/dto/transforms';
import { CREDENTIAL_KINDS, VALIDITY_KINDS, type CredentialKind, type ValidityKind } from '../credential-type.entity';
import { isValidFixedDate } from '../credential-validity';

const ExistsEveryYear = () =>
  ValidateBy({
    name: 'existsEveryYear',
    validator: {
      validate: (day: unknown, args) => {
        const month = (args?.object as CreateCredentialTypeDto).fixedExpiryMonth;
        return typeof day === 'number' && typeof month === 'number' && isValidFixedDate(month, day);
      },
      defaultMessage: () => 'must be a day that exists every year in that month (Feb 29 does not)',
    },
  });

const toDayList = Transform(({ value }) => {
  if (typeof value !== 'string') return value;
  const parts = value.split(/[\s,]+/).filter((p) => p !== '');
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
});

export class CreateCredentialTypeDto {
  @ApiProperty({ example: 'MT-CBHPSS', description: 'Short unique code: capitals, digits and dashes' })
  @Trim()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'must be 1–32 capital letters, digits or dashes (e.g. MT-CBHPSS)' })
  code!: string;

  @ApiProperty({ example: 'Certified Behavioral Health Peer Support Specialist' })
  @RequiredText(2, 200)
  name!: string;

  @ApiProperty({ example: 'Montana Board of Behavioral Health' })
  @RequiredText(2, 200)
  issuer!: string;

  @ApiProperty({
    enum: CREDENTIAL_KINDS,
    description: 'internal: issued by the program with a certificate; external: recorded with number and evidence',
  })
  @IsIn(CREDENTIAL_KINDS, { message: 'must be internal or external' })
  kind!: CredentialKind;

  @ApiProperty({ enum: VALIDITY_KINDS, description: 'none, N months from issue, or a fixed yearly date' })
  @IsIn(VALIDITY_KINDS, { message: 'must be none, months or fixed_date' })
  validityKind!: ValidityKind;

  @ApiPropertyOptional({ example: 36, description: 'Required when validityKind is months' })
  @ToInt()
  @ValidateIf((dto: CreateCredentialTypeDto) => dto.validityKind === 'months')
  @IsInt({ message: 'is required for "months from issue" and must be a whole number' })
  @Min(1)
  @Max(600)
  validityMonths?: number | null;

  @ApiPropertyOptional({ example: 12, description: 'Month of the fixed yearly expiry date (1-12)' })
  @ToInt()
  @ValidateIf((dto: CreateCredentialTypeDto) => dto.validityKind === 'fixed_date')
  @IsInt({ message: 'is required for a fixed yearly date (1–12)' })
  @Min(1)
  @Max(12)
  fixedExpiryMonth?: number | null;

  @ApiPropertyOptional({ example: 31, description: 'Day of the fixed yearly expiry date' })
  @ToInt()
  @ValidateIf((dto: CreateCredentialTypeDto) => dto.validityKind === 'fixed_date')
  @IsInt({ message: 'is required for a fixed yearly date' })
  @ExistsEveryYear()
  fixedExpiryDay?: number | null;

  @ApiPropertyOptional({
    default: 0,
    example: 90,
    description:
      'For a fixed yearly date: issued within this many days before it, the first expiry is the following one (0: always the first after issue)',
  })
  @ToInt()
  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(0, { message: 'must be 0 or more days' })
  @Max(365, { message: 'must be at most 365 days' })
  fixedDateLeadDays?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'False while the program has not confirmed those days with the issuer ("unverified")',
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  fixedDateLeadVerified?: boolean;

  @ApiPropertyOptional({ example: 45, default: 0, description: 'Days after expiry it still clears, with a warning' })
  @ToInt()
  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(0)
  @Max(3650)
  graceDays?: number;

  @ApiPropertyOptional({
    example: 730,
    description: 'Days after expiry when it is terminated (must re-apply); empty for never',
  })
  @ToInt()
  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1)
  @Max(36500)
  terminatesAfterDays?: number | null;

  @ApiPropertyOptional({ example: [90, 60, 30, 7, 0], description: 'Days before expiry to remind' })
  @toDayList
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10, { message: 'may list at most 10 reminders' })
  @IsInt({ each: true, message: 'must be whole numbers of days, separated by commas' })
  @Min(0, { each: true, message: 'must be 0 or more days' })
  @Max(730, { each: true, message: 'must be at most 730 days' })
  reminderDays?: number[];

  @ApiPropertyOptional({ example: 20, description: 'Continuing-education hours needed per renewal period' })
  @ToNumber()
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'must be a number of hours' })
  @Min(0)
  @Max(1000)
  renewalCeHours?: number | null;

  @ApiPropertyOptional()
  @OptionalFreeText(2000)
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    default: true,
    description: 'False while the issuer has not published its terms (e.g. a licence created by a new law)',
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  termsPublished?: boolean;
}

export class UpdateCredentialTypeDto extends PartialType(CreateCredentialTypeDto) {}
