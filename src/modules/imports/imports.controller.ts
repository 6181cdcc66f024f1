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
  StreamableFile,
  UnprocessableEntityException,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { releaseWriteLock } from '../../common/db/write-lock';
import { FileUploadInterceptor } from '../auth/file-upload.interceptor';
import { CommitImportDto, CreateImportDto } from './dto/import.dto';
import { IMPORT_LIMITS } from './import-table';
import { ImportsService } from './imports.service';
import { importView } from './imports.views';

const MB = IMPORT_LIMITS.maxBytes / 1024 / 1024;
/** Uploads go to a temporary file on disk, never into memory; the limit is the reader's own. */
export const IMPORT_UPLOAD = FileUploadInterceptor(
  'file',
  { dest: tmpdir(), limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1 } },
  {
    tooLarge: `The file is larger than the ${MB} MB limit for an import. Split it into smaller files of the same kind.`,
  },
);

/** How long the API waits for a dry run before answering with its progress instead. */
const API_WAIT_MS = 60_000;

@ApiTags('imports')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @UseInterceptors(IMPORT_UPLOAD)
  @ApiOperation({
    summary: 'Upload a CSV or XLSX file of one kind of record and dry-run it',
    description:
      'Every row is checked by the rules of the single-record forms, against the database and the other rows; nothing is written. ' +
      'Answers when the dry run is done (within a minute; a larger file answers with state "checking" and its progress: poll GET /{id}).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'kind'],
      properties: {
        file: { type: 'string', format: 'binary' },
        kind: { type: 'string', enum: ['people', 'attestations', 'credentials', 'completions', 'supervision', 'ce'] },
        mapping: { type: 'string', description: 'JSON object: header → field name, or null to ignore' },
        sheet: { type: 'string' },
        sendInvitations: { type: 'boolean' },
        drawCertificates: { type: 'boolean' },
        saveMappingAs: { type: 'string' },
      },
    },
  })
  @ApiPayloadTooLargeResponse({ description: `The file is larger than ${MB} MB` })
  async create(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() dto: CreateImportDto,
    @RequestActor() actor: Actor,
    @Req() req: Request,
  ) {
    if (!file)
      throw new UnprocessableEntityException({
        statusCode: 422,
        message: 'Attach the file to import as the multipart field "file".',
        errors: [{ field: 'file', message: 'is required' }],
      });
    const created = await this.imports.create(file, dto, actor);
    // The dry run is a job that writes its result: on SQLite it needs the write lock this request holds.
    releaseWriteLock(req);
    const checked = await this.imports.waitWhile(created.id, 'checking', API_WAIT_MS);
    return importView(checked, this.imports.progressOf(checked.id));
  }

  @Get()
  @ApiOperation({ summary: 'Past imports, newest first' })
  async list() {
    return (await this.imports.list()).map((i) => importView(i, this.imports.progressOf(i.id)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'An import: its state, progress, counts and first problems' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    return importView(await this.imports.get(id), this.imports.progressOf(id));
  }

  @Post(':id/commit')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Write a checked import, all rows in one transaction (or only the valid ones with skipRejected)',
    description:
      'Runs as a job; poll GET /{id} until state is "committed" (or "checked" with a failure: nothing written).',
  })
  async commit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CommitImportDto,
    @RequestActor() actor: Actor,
  ) {
    const found = await this.imports.commit(id, dto, actor);
    return importView(found, this.imports.progressOf(id));
  }

  @Get(':id/rejected.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: "Every rejected row, with the file's own columns and the line and reason, to fix and upload again",
  })
  async rejected(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) res: Response) {
    const found = await this.imports.get(id);
    const path = await this.imports.rejectedCsv(id);
    const base =
      found.fileName
        .replace(/\.[^.]+$/, '')
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .slice(0, 80) || 'import';
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${base}-rejected.csv"`);
    return new StreamableFile(createReadStream(path));
  }
}
