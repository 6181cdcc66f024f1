import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ToBoolean, ToInt, ToList, Trim, TrimToNull } from '../../../common/dto/transforms';
import { ROLES, type Role } from '../../../common/auth/roles';
import { PERSON_STATUSES, type PersonStatus } from '../person.entity';
import { STATUS_REASONS, type StatusReason } from '../person-status-period.entity';

export class CreatePersonDto {
  @ApiProperty({ example: 'Renée Two Feathers', description: 'Full legal name' })
  @Trim()
  @IsString()
  @MinLength(2, { message: 'must be at least 2 characters' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  name!: string;

  @ApiPropertyOptional({ example: 'Renée', description: 'The name they go by; printed on certificates when set' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  preferredName?: string | null;

  @ApiProperty({ example: 'renee@example.org', description: 'Unique, whatever the capitals' })
  @Trim()
  @IsEmail({}, { message: 'must be an e-mail address such as name@example.org' })
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ example: '(406) 555-0142' })
  @TrimToNull()
  @IsOptional()
  @Matches(/^\+?[0-9 ().-]{7,25}$/, { message: 'must be a phone number: digits, spaces, +, -, ( )' })
  phone?: string | null;

  @ApiPropertyOptional({
    example: 'HR-1042',
    description: "The program's own id for the person, e.g. the HR number; unique",
  })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  externalId?: string | null;

  @ApiPropertyOptional({ enum: PERSON_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(PERSON_STATUSES, { message: 'must be active or inactive' })
  status?: PersonStatus;

  @ApiProperty({
    enum: ROLES,
    isArray: true,
    example: ['peer'],
    description: 'One or more of peer, trainer, supervisor, admin',
  })
  @ToList()
  @IsArray({ message: 'must list at least one role' })
  @ArrayMinSize(1, { message: 'choose at least one role' })
  @ArrayUnique({ message: 'lists a role twice' })
  @IsIn(ROLES, { each: true, message: 'must be peer, trainer, supervisor or admin' })
  roles!: Role[];
}

/** Why a status changes, kept with the status period it starts (work reasons only). */
class StatusReasonFields {
  @ApiPropertyOptional({
    enum: STATUS_REASONS,
    description: 'Why the status changes, when it does: joined, left, leave or other (default joined or other)',
  })
  @TrimToNull()
  @IsOptional()
  @IsIn(STATUS_REASONS, { message: 'must be joined, left, leave or other' })
  statusReason?: StatusReason | null;
}

export class UpdatePersonDto extends IntersectionType(PartialType(CreatePersonDto), StatusReasonFields) {}

/** The "Edit a person" page: the whole person, and why their status changes when it does. */
export class EditPersonPageDto extends IntersectionType(CreatePersonDto, StatusReasonFields) {}

/** The "Add a person" page: the person, and whether to e-mail their invitation at once (the box starts ticked). */
export class CreatePersonPageDto extends CreatePersonDto {
  @ToBoolean()
  @IsOptional()
  @IsBoolean({ message: 'must be ticked or not' })
  sendInvitation?: boolean;
}

export class ListPeopleQuery {
  @ApiPropertyOptional({ description: 'Part of a name or e-mail address' })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsIn(ROLES, { message: 'must be peer, trainer, supervisor or admin' })
  role?: Role;

  @ApiPropertyOptional({ enum: PERSON_STATUSES })
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsIn(PERSON_STATUSES, { message: 'must be active or inactive' })
  status?: PersonStatus;

  @ApiPropertyOptional({ default: 1 })
  @ToInt()
  @IsOptional()
  @IsInt({ message: 'must be a page number' })
  @Min(1)
  @Max(100000)
  page?: number;

  @ApiPropertyOptional({ default: 50 })
  @ToInt()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}
