import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { fieldError } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { CredentialType } from '../catalog/credential-type.entity';
import { CourseModule } from './course-module.entity';
import { Course } from './course.entity';
import type { CourseDto } from './dto/training.dto';

function snapshot(course: Course, modules: CourseModule[]) {
  const { modules: _m, awardsCredentialType: _t, createdAt: _c, updatedAt: _u, ...fields } = course;
  return {
    ...fields,
    modules: modules.map((m) => ({ id: m.id, title: m.title, hours: m.hours, required: m.required })),
  };
}

/** The course catalogue: modules, required hours, exam and the credential each course awards. */
@Injectable()
export class CoursesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(options: { activeOnly?: boolean } = {}): Promise<Course[]> {
    const qb = this.dataSource
      .getRepository(Course)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.awardsCredentialType', 't')
      .leftJoinAndSelect('c.modules', 'm')
      .orderBy('c.ce_category IS NOT NULL', 'ASC')
      .addOrderBy('c.title', 'ASC')
      .addOrderBy('m.position', 'ASC');
    if (options.activeOnly) qb.where('c.active = :active', { active: true });
    return qb.getMany();
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<Course> {
    const course = await manager
      .getRepository(Course)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.awardsCredentialType', 't')
      .leftJoinAndSelect('c.modules', 'm')
      .where('c.id = :id', { id })
      .orderBy('m.position', 'ASC')
      .getOne();
    if (!course) throw new NotFoundException('No course with that id.');
    return course;
  }

  async create(dto: CourseDto, actor: Actor, manager: EntityManager = this.dataSource.manager): Promise<Course> {
    return manager.transaction(async (tx) => {
      const exists = await tx
        .getRepository(Course)
        .createQueryBuilder('c')
        .where('upper(c.code) = :code', { code: dto.code.toUpperCase() })
        .getExists();
      if (exists)
        throw new ConflictException({
          statusCode: 409,
          message: `A course with the code ${dto.code} exists.`,
          errors: [{ field: 'code', message: 'is already used' }],
        });
      const course = tx.getRepository(Course).create({ code: dto.code });
      await this.apply(tx, course, dto);
      await tx.getRepository(Course).insert(course);
      const modules = await this.writeModules(tx, course.id, dto);
      await this.audit.record(tx, actor, {
        action: 'course.created',
        entityType: 'course',
        entityId: course.id,
        after: snapshot(course, modules),
      });
      return this.get(course.id, tx);
    });
  }

  /**
   * Changes a course. Modules given with their id are changed in place, new ones added; a module
   * left out is removed unless a session already covers it (its history would lose its meaning).
   */
  async update(id: string, dto: CourseDto, actor: Actor): Promise<Course> {
    return this.dataSource.transaction(async (tx) => {
      const course = await this.get(id, tx);
      const before = snapshot(course, course.modules);
      if (dto.code.toUpperCase() !== course.code.toUpperCase())
        throw fieldError('code', 'cannot change once the course exists');
      await this.apply(tx, course, dto);
      const { modules: _m, awardsCredentialType: _t, ...columns } = course;
      await tx.getRepository(Course).update(id, columns);
      const modules = await this.writeModules(tx, id, dto, course.modules);
      await this.audit.record(tx, actor, {
        action: 'course.updated',
        entityType: 'course',
        entityId: id,
        before,
        after: snapshot(course, modules),
      });
      return this.get(id, tx);
    });
  }

  private async apply(tx: EntityManager, course: Course, dto: CourseDto): Promise<void> {
    const moduleHours = dto.modules.reduce((sum, m) => sum + Math.round(m.hours * 100), 0) / 100;
    if (moduleHours < dto.requiredHours)
      throw fieldError(
        'requiredHours',
        `is more than the modules add up to (${moduleHours} h)`,
        `The modules add up to ${moduleHours} h, fewer than the ${dto.requiredHours} h required.`,
      );
    if ((dto.examPassMark == null) !== (dto.examMaxAttempts == null))
      throw fieldError(
        dto.examPassMark == null ? 'examPassMark' : 'examMaxAttempts',
        'is needed when the course has an exam',
        'An exam needs both a pass mark and a number of attempts.',
      );
    let typeId: string | null = null;
    if (dto.awardsCredentialTypeCode) {
      const type = await tx
        .getRepository(CredentialType)
        .createQueryBuilder('t')
        .where('upper(t.code) = :code', { code: dto.awardsCredentialTypeCode.toUpperCase() })
        .getOne();
      if (!type) throw fieldError('awardsCredentialTypeCode', 'is not a credential type in the catalogue');
      if (type.kind !== 'internal')
        throw fieldError('awardsCredentialTypeCode', 'is issued by an outside body, so no course here can award it');
      typeId = type.id;
    }
    Object.assign(course, {
      title: dto.title,
      description: dto.description ?? null,
      requiredHours: dto.requiredHours,
      examPassMark: dto.examPassMark ?? null,
      examMaxAttempts: dto.examMaxAttempts ?? null,
      awardsCredentialTypeId: typeId,
      ceCategory: dto.ceCategory ?? null,
    });
  }

  private async writeModules(
    tx: EntityManager,
    courseId: string,
    dto: CourseDto,
    current: CourseModule[] = [],
  ): Promise<CourseModule[]> {
    const repo = tx.getRepository(CourseModule);
    for (const m of dto.modules) {
      if (m.id && !current.some((c) => c.id === m.id)) throw fieldError('modules', 'names a module of another course');
    }
    const kept = new Set(dto.modules.map((m) => m.id).filter(Boolean));
    const removed = current.filter((m) => !kept.has(m.id));
    if (removed.length) {
      const used: Array<{ module_id: string }> = await tx
        .createQueryBuilder()
        .select('DISTINCT sm.module_id', 'module_id')
        .from('training_session_modules', 'sm')
        .where({ module_id: In(removed.map((m) => m.id)) })
        .getRawMany();
      if (used.length) {
        const titles = removed.filter((m) => used.some((u) => u.module_id === m.id)).map((m) => m.title);
        throw fieldError('modules', `cannot drop ${titles.join(', ')}: sessions already cover it`);
      }
      await repo.delete({ id: In(removed.map((m) => m.id)) });
    }
    // Positions are rewritten in two steps so the (course, position) unique key never collides midway.
    if (current.length)
      await repo
        .createQueryBuilder()
        .update()
        .set({ position: () => 'position + 1000' })
        .where({ courseId })
        .execute();
    const out: CourseModule[] = [];
    for (const [index, m] of dto.modules.entries()) {
      const fields = { courseId, position: index + 1, title: m.title, hours: m.hours, required: m.required };
      if (m.id) {
        await repo.update(m.id, fields);
        out.push(repo.create({ id: m.id, ...fields }));
      } else {
        const created = repo.create(fields);
        await repo.insert(created);
        out.push(created);
      }
    }
    return out;
  }
}
