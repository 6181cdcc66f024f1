import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { REQUIREMENT_KINDS, type RequirementKind } from './practice-role-requirement.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A practice role's rule as a tree, the shape the API reads and writes and the seed is written in:
 * `{ kind: 'all_of', children: [{ kind: 'credential', credentialTypeCode: 'PS-40' }, ...] }`.
 */
export class RequirementNode {
  @IsIn(REQUIREMENT_KINDS, { message: `kind must be one of ${REQUIREMENT_KINDS.join(', ')}` })
  kind!: RequirementKind;

  @ValidateIf((n: RequirementNode) => n.kind === 'credential')
  @IsNotEmpty({ message: 'choose a credential type' })
  @IsString({ message: 'a credential requirement needs credentialTypeCode' })
  @MaxLength(32)
  credentialTypeCode?: string;

  @ValidateIf((n: RequirementNode) => n.kind === 'practice_role')
  @IsNotEmpty({ message: 'choose a practice role' })
  @IsString({ message: 'a practice-role requirement needs practiceRoleCode' })
  @MaxLength(40)
  practiceRoleCode?: string;

  @IsOptional()
  @Matches(DATE, { message: 'appliesFrom must be a date (YYYY-MM-DD)' })
  appliesFrom?: string;

  @IsOptional()
  @Matches(DATE, { message: 'appliesUntil must be a date (YYYY-MM-DD)' })
  appliesUntil?: string;

  @ValidateIf((n: RequirementNode) => n.kind === 'all_of' || n.kind === 'any_of')
  @IsArray({ message: 'a group (all_of / any_of) needs a children list' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RequirementNode)
  children?: RequirementNode[];
}
