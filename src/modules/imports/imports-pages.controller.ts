import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UnprocessableEntityException,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { releaseWriteLock } from '../../common/db/write-lock';
import { submitForm, type FormErrors } from '../../common/http/form-post';
import { CommitImportDto, CreateImportDto, RemapImportDto } from './dto/import.dto';
import { IMPORT_UPLOAD } from './imports.controller';
import { IGNORE_COLUMN, importListModel, importPageModel } from './imports-pages.views';
import { ImportsService } from './imports.service';

type FormBody = Record<string, unknown>;

/** A small file's dry run is over in a moment: waiting that long lands the admin on its preview, not a progress bar. */
const PAGE_WAIT_MS = 2_000;

const NO_FILE = new UnprocessableEntityException({
  statusCode: 422,
  message: 'Choose a CSV or XLSX file to import.',
  errors: [{ field: 'file', message: 'Choose a CSV or XLSX file to import.' }],
});

/** The admin's import pages: upload, the mapping step, the preview, the commit and its progress. */
@ApiExcludeController()
@Controller('admin/imports')
@Roles('admin')
export class ImportsPagesController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  async list(@Res() res: Response) {
    return res.render('imports/list', await this.listModel());
  }

  @Post()
  @HttpCode(200)
  @UseInterceptors(IMPORT_UPLOAD)
  async create(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: CreateImportDto,
      body,
      run: async (value) => {
        // A file input left empty still sends a part, with no name and no bytes.
        if (!file || file.size === 0) throw NO_FILE;
        const created = await this.imports.create(file, value, actor);
        // The dry run is a job that needs SQLite's write lock, which this request holds until it answers.
        releaseWriteLock(req);
        return this.imports.waitWhile(created.id, 'checking', PAGE_WAIT_MS);
      },
      done: (created) => `/admin/imports/${created.id}`,
      view: 'imports/list',
      model: (errors) => this.listModel(errors, body),
    });
  }

  @Get(':id')
  async show(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    return res.render('imports/show', await this.pageModel(id));
  }

  /** The mapping step's table posts each unmatched header (`column`) beside the field chosen for it (`field`). */
  @Post(':id/mapping')
  async remap(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: RemapImportDto,
      body: { mapping: mappingFrom(body.column, body.field), saveMappingAs: body.saveMappingAs },
      run: async (value) => {
        await this.imports.remap(id, value.mapping, value.saveMappingAs);
        releaseWriteLock(req);
        return this.imports.waitWhile(id, 'checking', PAGE_WAIT_MS);
      },
      done: () => `/admin/imports/${id}`,
      view: 'imports/show',
      model: (errors) => this.pageModel(id, errors),
    });
  }

  @Post(':id/commit')
  async commit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: CommitImportDto,
      body,
      run: async (value) => {
        const found = await this.imports.commit(id, value, actor);
        // The commit job writes under the lock this request holds: hand it back before answering.
        releaseWriteLock(req);
        return found;
      },
      done: () => `/admin/imports/${id}`,
      view: 'imports/show',
      model: (errors) => this.pageModel(id, errors),
    });
  }

  private async listModel(errors: FormErrors = {}, draft: FormBody = {}) {
    return importListModel(await this.imports.list(), await this.imports.mappings(), errors, draft);
  }

  private async pageModel(id: string, errors: FormErrors = {}) {
    return importPageModel(await this.imports.get(id), this.imports.progressOf(id), errors);
  }
}

/** Pairs the posted headers with their chosen fields; "choose…" (empty) leaves a column to be asked about again. */
function mappingFrom(columns: unknown, fields: unknown): Record<string, string | null> {
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  const headers = list(columns);
  const chosen = list(fields);
  const mapping: Record<string, string | null> = {};
  headers.forEach((header, i) => {
    const field = chosen[i] ?? '';
    if (field === IGNORE_COLUMN) mapping[header] = null;
    else if (field !== '') mapping[header] = field;
  });
  return mapping;
}
