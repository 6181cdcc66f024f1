import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Hours, OptionalFreeText, OptionalHours, RequiredText } from '../../../common/dto/fields';
import { IsIsoDate } from '../../../common/dto/iso-date';
import { ToBoolean, ToInt, Trim, TrimToNull } from '../../../common/dto/transforms';
import { CE_CATEGORIES, type CeCategory } from '../../ce/ce-entry.entity';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../attendance.entity';
import { COHORT_SETTINGS, COHORT_STATUSES, type CohortSetting, type CohortStatus } from '../cohort.entity';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A form sends one value as a string and several as an array; the API sends an array. */
const ToArray = () =>
  Transform(({ value }) =>
    value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value],
  );

export class CourseModuleDto {
  @ApiPropertyOptional({ description: 'Id of an existing module, to change it; leave out to add one' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a module id' })
  id?: string;

  @ApiProperty({ example: 'Ethics and Boundaries' })
  @RequiredText(2, 200)
  title!: string;

  @ApiProperty({ example: 6 })
  @Hours(200)
  hours!: number;

  @ApiProperty({ example: true })
  @ToBoolean()
  @IsBoolean({ message: 'must be true or false' })
  required: boolean = false;
}

export class CourseDto {
  @ApiProperty({ example: 'PS-40' })
  @Trim()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/, { message: 'must be 2–32 letters, digits or dashes' })
  code!: string;

  @ApiProperty({ example: '40-hour Peer Support Course' })
  @RequiredText(3, 200)
  title!: string;

  @ApiPropertyOptional()
  @OptionalFreeText(2000)
  description?: string | null;

  @ApiProperty({ example: 40, description: 'Hours a person must attend to complete' })
  @Hours(1000)
  requiredHours!: number;

  @ApiPropertyOptional({
    example: 80,
    description: 'Percent needed to pass the exam; leave out for a course with no exam',
  })
  @ToInt()
  @IsOptional()
  @IsInt({ message: 'must be a whole percent' })
  @Min(1)
  @Max(100)
  examPassMark?: number | null;

  @ApiPropertyOptional({ example: 3, description: 'How many times a person may sit the exam in one cohort' })
  @ToInt()
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(10)
  examMaxAttempts?: number | null;

  @ApiPropertyOptional({ example: 'PS-40', description: 'Code of the credential type completing the course awards' })
  @TrimToNull()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  awardsCredentialTypeCode?: string | null;

  @ApiPropertyOptional({ enum: CE_CATEGORIES, description: 'Set when the hours count as continuing education' })
  @TrimToNull()
  @IsOptional()
  @IsIn(CE_CATEGORIES, { message: `must be one of ${CE_CATEGORIES.join(', ')}` })
  ceCategory?: CeCategory | null;

  @ApiProperty({ type: [CourseModuleDto] })
  @IsArray({ message: 'must list the modules' })
  @ArrayMinSize(1, { message: 'must have at least one module' })
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => CourseModuleDto)
  modules!: CourseModuleDto[];
}

export class CohortDto {
  @ApiProperty({ description: 'Id of the course this cohort runs' })
  @IsUUID('all', { message: 'must be chosen' })
  courseId!: string;

  @ApiProperty({ example: 'Billings, spring 2027' })
  @RequiredText(3, 200)
  name!: string;

  @ApiProperty({ example: 'Riverstone clinic, room 2' })
  @RequiredText(2, 200)
  location!: string;

  @ApiProperty({ enum: COHORT_SETTINGS })
  @IsIn(COHORT_SETTINGS, { message: 'must be clinic, community or jail' })
  setting!: CohortSetting;

  @ApiProperty({ example: '2027-03-01' })
  @Trim()
  @IsIsoDate()
  startsOn!: string;

  @ApiProperty({ example: '2027-03-12' })
  @Trim()
  @IsIsoDate()
  endsOn!: string;

  @ApiProperty({ example: 20 })
  @ToInt()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(5000)
  capacity!: number;

  @ApiProperty({
    description: 'Ids of the trainers who run it (a trainer creating a cohort is always one)',
    type: [String],
  })
  @ToArray()
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one trainer' })
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true, message: 'must be trainers' })
  trainerIds!: string[];
}

export class CohortStatusDto {
  @ApiProperty({ enum: ['planned', 'running', 'cancelled'], description: 'Completion has its own action' })
  @IsIn(['planned', 'running', 'cancelled'] satisfies CohortStatus[], {
    message: 'must be planned, running or cancelled',
  })
  status!: Exclude<CohortStatus, 'completed'>;
}
export { COHORT_STATUSES };

export class TrainingSessionDto {
  @ApiProperty({ example: '2027-03-01' })
  @Trim()
  @IsIsoDate()
  heldOn!: string;

  @ApiProperty({ example: '09:00', description: 'Local time in the program time zone' })
  @Trim()
  @Matches(TIME, { message: 'must be a time (HH:MM)' })
  startsAt!: string;

  @ApiProperty({ example: '17:00' })
  @Trim()
  @Matches(TIME, { message: 'must be a time (HH:MM)' })
  endsAt!: string;

  @ApiPropertyOptional({ example: 7.5, description: 'Instruction hours; defaults to the time between start and end' })
  @OptionalHours(24)
  hours?: number | null;

  @ApiPropertyOptional({
    example: 'Library, room B',
    description: "Where it meets; leave out for the cohort's location",
  })
  @OptionalFreeText(200)
  place?: string | null;

  @ApiProperty({ type: [String], description: 'Ids of the course modules it covers' })
  @ToArray()
  @IsArray()
  @ArrayMinSize(1, { message: 'must cover at least one module' })
  @IsUUID('all', { each: true, message: 'must be modules of the course' })
  moduleIds!: string[];
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** The most sessions one schedule creates: a few months of weekdays, never a typo's thousand. */
export const SCHEDULE_MAX_SESSIONS = 60;

/** A repeating schedule: the same times on the chosen weekdays from one date to another, created in one step. */
export class SessionScheduleDto {
  @ApiProperty({ enum: WEEKDAYS, isArray: true, example: ['mon', 'tue', 'wed', 'thu', 'fri'] })
  @ToArray()
  @IsArray()
  @ArrayMinSize(1, { message: 'choose at least one day of the week' })
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true, message: 'must be days of the week (mon … sun)' })
  weekdays!: Weekday[];

  @ApiProperty({ example: '2027-03-01', description: 'The first day the schedule may fall on' })
  @Trim()
  @IsIsoDate()
  firstDate!: string;

  @ApiProperty({ example: '2027-03-05', description: 'The last day it may fall on' })
  @Trim()
  @IsIsoDate()
  lastDate!: string;

  @ApiProperty({ example: '08:30', description: 'Local time in the program time zone' })
  @Trim()
  @Matches(TIME, { message: 'must be a time (HH:MM)' })
  startsAt!: string;

  @ApiProperty({ example: '17:00' })
  @Trim()
  @Matches(TIME, { message: 'must be a time (HH:MM)' })
  endsAt!: string;

  @ApiPropertyOptional({ example: 7.5, description: 'Instruction hours of each session; defaults to start to end' })
  @OptionalHours(24)
  hours?: number | null;

  @ApiPropertyOptional({
    example: 'Library, room B',
    description: "Where they meet; leave out for the cohort's location",
  })
  @OptionalFreeText(200)
  place?: string | null;

  @ApiPropertyOptional({
    type: [String],
    description: 'Modules every session covers; usually left out and ticked per day afterwards',
  })
  @ToArray()
  @IsArray()
  @IsUUID('all', { each: true, message: 'must be modules of the course' })
  moduleIds: string[] = [];
}

export class EnrollDto {
  @ApiProperty({ description: 'Id of the person to enroll' })
  @IsUUID('all', { message: 'must be a person' })
  personId!: string;
}

export class AttendanceRecordDto {
  @ApiProperty()
  @IsUUID('all', { message: 'must be a session of this cohort' })
  sessionId!: string;

  @ApiProperty()
  @IsUUID('all', { message: 'must be a person' })
  personId!: string;

  @ApiProperty({ enum: ATTENDANCE_STATUSES })
  @IsIn(ATTENDANCE_STATUSES, { message: 'must be present, absent or partial' })
  status!: AttendanceStatus;

  @ApiPropertyOptional({ example: 3.5, description: 'Hours attended; required for partial, ignored otherwise' })
  @OptionalHours(24)
  hours?: number | null;
}

export class AttendanceDto {
  @ApiProperty({ type: [AttendanceRecordDto] })
  @IsArray()
  @ArrayMaxSize(20_000)
  @ValidateNested({ each: true })
  @Type(() => AttendanceRecordDto)
  records!: AttendanceRecordDto[];
}

export class ExamAttemptDto {
  @ApiProperty()
  @IsUUID('all', { message: 'must be a person' })
  personId!: string;

  @ApiProperty({ example: 86, description: 'Score in percent' })
  @ToInt()
  @IsInt({ message: 'must be a whole percent' })
  @Min(0, { message: 'must be 0 to 100' })
  @Max(100, { message: 'must be 0 to 100' })
  score!: number;

  @ApiPropertyOptional({
    example: '2027-03-12',
    description: "The day it was sat: not in the future nor before the cohort's start; defaults to today",
  })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  takenOn?: string | null;
}

export class CompleteCohortDto {
  @ApiPropertyOptional({
    example: '2027-03-12',
    description: 'Completion date, the issue date of the awards; defaults to today',
  })
  @TrimToNull()
  @IsOptional()
  @IsIsoDate()
  completedOn?: string | null;
}
