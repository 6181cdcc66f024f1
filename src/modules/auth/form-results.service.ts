import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { FormResult } from './form-result.entity';

/** How long a form's answer can be read back: long enough to reload or come back to it, short enough to hold nothing for good. */
export const FORM_RESULT_KEPT_MS = 3600_000;

/**
 * Post → redirect → get for forms whose answer is more than a notice: the POST keeps its answer
 * here and redirects to a GET page with the result's id; that page reads it back for the same
 * person only (anyone else, or after an hour, gets a 404 as for an id that never existed).
 */
@Injectable()
export class FormResultsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async keep(ownerId: string, kind: string, answer: unknown): Promise<string> {
    const repo = this.dataSource.getRepository(FormResult);
    await repo.delete({ createdAt: LessThan(new Date(Date.now() - FORM_RESULT_KEPT_MS)) });
    const saved = await repo.save(repo.create({ ownerId, kind, payload: JSON.stringify(answer) }));
    return saved.id;
  }

  async read<T>(id: string, ownerId: string, kind: string): Promise<T> {
    const row = await this.dataSource.getRepository(FormResult).findOneBy({ id, ownerId, kind });
    if (!row || row.createdAt.getTime() < Date.now() - FORM_RESULT_KEPT_MS)
      throw new NotFoundException(
        'That result is no longer available (results are kept for an hour). Send the form again.',
      );
    return JSON.parse(row.payload) as T;
  }
}
