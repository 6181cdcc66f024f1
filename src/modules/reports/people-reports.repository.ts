import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { scoped, type PeopleFilter } from './report-scope';
import { activeBetweenSql } from '../../common/db/status-periods';

export interface SupervisionMonthRow {
  peerId: string;
  peerName: string;
  month: string;
  sessions: number;
  minutes: number;
}

/** The named queries about people: the peers a report counts, the supervisors to filter by, and supervision per month. */
@Injectable()
export class PeopleReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Peers the viewer may see who were active on some day of `active` (by their status then, not today's), by
   * name: the people the dashboard counts (the clearance board's population on those days).
   */
  async visiblePeers(
    filter: PeopleFilter,
    active: { from: IsoDate; to: IsoDate },
  ): Promise<Array<{ id: string; name: string }>> {
    const qb = this.dataSource
      .createQueryBuilder()
      .select(['p.id AS id', 'p.name AS name', 'p.preferred_name AS preferred_name'])
      .from('people', 'p')
      .where(activeBetweenSql('p.id', 'p.status', ':activeFrom', ':activeTo'), {
        activeFrom: active.from,
        activeTo: active.to,
      })
      .andWhere("EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'peer')")
      .orderBy('lower(p.name)', 'ASC');
    const rows = await scoped(qb, 'p.id', filter).getRawMany<{
      id: string;
      name: string;
      preferred_name: string | null;
    }>();
    return rows.map((r) => ({ id: r.id, name: r.preferred_name || r.name }));
  }

  /** Supervision sessions and minutes per peer per month in [from, to] (never the summaries). */
  async supervisionByMonth(
    filter: PeopleFilter,
    range: { from: IsoDate; to: IsoDate },
    supervisorId?: string,
  ): Promise<SupervisionMonthRow[]> {
    const month = 'SUBSTR(CAST(s.held_on AS TEXT), 1, 7)';
    let qb = this.dataSource
      .createQueryBuilder()
      .select([
        's.peer_id AS peer_id',
        'p.name AS name',
        'p.preferred_name AS preferred_name',
        `${month} AS month`,
        'COUNT(*) AS sessions',
        'SUM(s.minutes) AS minutes',
      ])
      .from('supervision_sessions', 's')
      .innerJoin('people', 'p', 'p.id = s.peer_id')
      .where('s.held_on >= :from AND s.held_on <= :to', range)
      .groupBy('s.peer_id')
      .addGroupBy('p.name')
      .addGroupBy('p.preferred_name')
      .addGroupBy(month)
      .orderBy('lower(p.name)', 'ASC')
      .addOrderBy('s.peer_id', 'ASC')
      .addOrderBy(month, 'ASC');
    if (supervisorId) qb = qb.andWhere('s.supervisor_id = :sessionSupervisor', { sessionSupervisor: supervisorId });
    const rows = await scoped(qb, 's.peer_id', { ...filter, supervisorId: undefined }).getRawMany<
      Record<string, string>
    >();
    return rows.map((r) => ({
      peerId: r.peer_id,
      peerName: r.preferred_name || r.name,
      month: r.month,
      sessions: Number(r.sessions),
      minutes: Number(r.minutes),
    }));
  }

  /** People who have supervised anyone, for the supervisor filter. */
  async supervisors(): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['p.id AS id', 'p.name AS name', 'p.preferred_name AS preferred_name'])
      .from('people', 'p')
      .where("EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'supervisor')")
      .orderBy('lower(p.name)', 'ASC')
      .getRawMany<{ id: string; name: string; preferred_name: string | null }>();
    return rows.map((r) => ({ id: r.id, name: r.preferred_name || r.name }));
  }
}
