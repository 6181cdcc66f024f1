import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { CatalogRepository } from './catalog.repository';

export const MOVE_DIRECTIONS = ['up', 'down'] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];

/**
 * The order practice roles are shown in (the board's columns, a person's clearance, reports): set by an admin
 * in the catalogue, one step up or down at a time. Each move renumbers every role 0, 1, 2, … so ties from
 * older data never make a move do nothing.
 */
@Injectable()
export class PracticeRoleOrderService {
  private readonly repository: CatalogRepository;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.repository = new CatalogRepository(dataSource);
  }

  /** Moves the role one place; at the top (or bottom) already, nothing changes. Returns the codes in their new order. */
  async move(roleId: string, direction: MoveDirection, actor: Actor): Promise<{ order: string[] }> {
    return this.repository.transaction(async (tx) => {
      const roles = await this.repository.findPracticeRoles(tx);
      const i = roles.findIndex((r) => r.id === roleId);
      if (i < 0) throw new NotFoundException('No practice role with that id.');
      const j = direction === 'up' ? i - 1 : i + 1;
      const before = roles.map((r) => r.code);
      if (j >= 0 && j < roles.length) {
        [roles[i], roles[j]] = [roles[j], roles[i]];
        await this.repository.setSortOrders(
          tx,
          roles.map((r) => r.id),
        );
        await this.audit.record(tx, actor, {
          action: 'practice_role.moved',
          entityType: 'practice_role',
          entityId: roleId,
          before: { order: before },
          after: { order: roles.map((r) => r.code) },
        });
      }
      return { order: roles.map((r) => r.code) };
    });
  }
}
