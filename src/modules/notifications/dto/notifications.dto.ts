import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class InboxQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1' })
  @Min(1, { message: 'must be a whole number from 1' })
  @Max(10_000, { message: 'must be at most 10000' })
  page: number = 1;
}

export class PreferencesDto {
  @ApiProperty({ description: 'E-mail me my credential reminders (they always appear in-app).' })
  @IsBoolean({ message: 'must be true or false' })
  emailReminders!: boolean;
}

/** The account-page form: a checkbox sends "on" when ticked and nothing when not. */
export class PreferencesFormDto {
  @Transform(({ value }) => value === 'on' || value === 'true' || value === true)
  @IsBoolean()
  emailReminders: boolean = false;
}
