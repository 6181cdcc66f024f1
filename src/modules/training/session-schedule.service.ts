import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { addDays, daysBetween, formatDate, isIsoDate } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import { AuditService } from '../audit/audit.service';
import { CohortsService, sessionSnapshot } from './cohorts.service';
import { SCHEDULE_MAX_SESSIONS, WEEKDAYS, type SessionScheduleDto, type Weekday } from './dto/training.dto';
import { TrainingSession } from './training-session.entity';

/** The dates from `first` to `last` (both included) that fall on one of `weekdays`. */
export function scheduleDates(first: string, last: string, weekdays: readonly Weekday[]): string[] {
  const wanted = new Set(weekdays);
  const dates: string[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    // getUTCDay: 0 is Sunday; WEEKDAYS starts on Monday.
    const day = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
    if (wanted.has(day)) dates.push(date);
  }
  return dates;
}

/**
 * A repeating schedule ("Mon–Fri, 08:30–17:00, Nov 16–20"): every session it names is checked by the
 * single session's rules (the cohort's dates, times the clocks skip, hours, modules) and all are
 * created in one transaction, or none. The modules are usually ticked per day afterwards.
 */
@Injectable()
export class SessionScheduleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly audit: AuditService,
  ) {}

  async addSchedule(
    cohortId: string,
    dto: SessionScheduleDto,
    user: AuthUser,
    actor: Actor,
  ): Promise<TrainingSession[]> {
    if (!isIsoDate(dto.firstDate)) throw fieldError('firstDate', 'must be a real date');
    if (!isIsoDate(dto.lastDate)) throw fieldError('lastDate', 'must be a real date');
    if (dto.lastDate < dto.firstDate) throw fieldError('lastDate', 'is before the first date');
    if (dto.endsAt <= dto.startsAt) throw fieldError('endsAt', 'must be after the start time');
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const within = `must fall within the cohort's dates (${formatDate(cohort.startsOn)} – ${formatDate(cohort.endsOn)})`;
      if (dto.firstDate < cohort.startsOn || dto.firstDate > cohort.endsOn) throw fieldError('firstDate', within);
      if (dto.lastDate < cohort.startsOn || dto.lastDate > cohort.endsOn) throw fieldError('lastDate', within);
      // Bounded before any date is listed: a range of years is refused without walking it.
      if (daysBetween(dto.firstDate, dto.lastDate) > SCHEDULE_MAX_SESSIONS * 7)
        throw fieldError('lastDate', `makes more than ${SCHEDULE_MAX_SESSIONS} sessions; schedule fewer at a time`);
      const dates = scheduleDates(dto.firstDate, dto.lastDate, dto.weekdays);
      if (!dates.length)
        throw fieldError(
          'weekdays',
          `none of the chosen days falls between ${formatDate(dto.firstDate)} and ${formatDate(dto.lastDate)}`,
        );
      if (dates.length > SCHEDULE_MAX_SESSIONS)
        throw fieldError(
          'lastDate',
          `makes ${dates.length} sessions; at most ${SCHEDULE_MAX_SESSIONS} at a time, so schedule fewer`,
        );
      const repo = tx.getRepository(TrainingSession);
      const sessions: TrainingSession[] = [];
      for (const heldOn of dates) {
        const session = repo.create({ cohortId });
        await this.cohorts.applySession(tx, cohort, session, { ...dto, heldOn, moduleIds: dto.moduleIds ?? [] });
        sessions.push(session);
      }
      await repo.save(sessions, { chunk: 20 });
      await this.audit.recordMany(
        tx,
        actor,
        sessions.map((session) => ({
          action: 'training_session.added',
          entityType: 'cohort',
          entityId: cohortId,
          after: { sessionId: session.id, ...sessionSnapshot(session), source: 'schedule' },
        })),
      );
      return sessions;
    });
  }
}
