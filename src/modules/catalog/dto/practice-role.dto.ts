import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { OptionalFreeText } from '../../../common/dto/fields';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { Trim, TrimToNull } from '../../../common/dto/transforms';
import { RequirementNode } from '../requirement-node';
import { MOVE_DIRECTIONS, type MoveDirection } from '../practice-role-order.service';

export class CreatePracticeRoleDto {
  @ApiProperty({ example: 'JAIL-SERVICES' })
  @Trim()
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,39}$/, { message: 'must be 1–40 capital letters, digits or dashes' })
  code!: string;

  @ApiProperty({ example: 'Jail Services' })
  @Trim()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional()
  @OptionalFreeText(2000)
  description?: string | null;

  @ApiProperty({
    description: 'The requirement tree',
    example: {
      kind: 'all_of',
      children: [
        { kind: 'practice_role', practiceRoleCode: 'PSS' },
        { kind: 'credential', credentialTypeCode: 'CORR' },
      ],
    },
  })
  @IsObject({ message: 'must be a requirement tree such as { kind: "all_of", children: [...] }' })
  @ValidateNested()
  @Type(() => RequirementNode)
  rule!: RequirementNode;
}

export class ReplaceRuleDto {
  @ApiProperty({
    description:
      'The new requirement tree; from `effectiveFrom` on it replaces the old one whole, which is kept for earlier dates',
  })
  @IsObject({ message: 'must be a requirement tree such as { kind: "all_of", children: [...] }' })
  @ValidateNested()
  @Type(() => RequirementNode)
  rule!: RequirementNode;

  @ApiPropertyOptional({
    description: 'The first day the new rule applies (YYYY-MM-DD); today by default, never a past date',
    example: '2027-01-01',
  })
  @IsOptional()
  @IsIsoDate()
  effectiveFrom?: string;

  @ApiPropertyOptional({
    description: 'Why the rule changes, kept with the version',
    example: 'State rule ARM 24.219.xxx adopted',
  })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string | null;
}

/** Moves a practice role one place in the catalogue's order. */
export class MovePracticeRoleDto {
  @ApiProperty({ enum: MOVE_DIRECTIONS, example: 'up' })
  @IsIn(MOVE_DIRECTIONS, { message: 'must be up or down' })
  direction!: MoveDirection;
}
