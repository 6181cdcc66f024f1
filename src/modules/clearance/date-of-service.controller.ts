import {
  BadRequestException,
  Controller,
  Get,
  HttpException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type {} from 'multer'; // the Express.Multer.File type
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { FileUploadInterceptor } from '../auth/file-upload.interceptor';
import { FormResultsService } from '../auth/form-results.service';
import { DateOfServiceQuery } from './dto/date-of-service.dto';
import { sendCsv, sendJson } from './date-of-service.output';
import { DATE_OF_SERVICE_ROW_LIMIT, DateOfServiceService, type ServiceCheckRow } from './date-of-service.service';

/** A CSV of up to 10 MB; the row limit is what bounds the work. */
const UPLOAD = FileUploadInterceptor('file', { limits: { fileSize: 10 * 1024 * 1024, files: 1 } });
const LIMIT = DATE_OF_SERVICE_ROW_LIMIT.toLocaleString('en-US');
const TITLE = 'Date-of-service check';
const RESULT_KIND = 'date-of-service';

interface KeptCheck {
  fileName: string;
  rows: ServiceCheckRow[];
}

function fileOf(file: Express.Multer.File | undefined): Buffer {
  if (!file || file.size === 0)
    throw new BadRequestException({
      statusCode: 400,
      message: 'Choose a CSV file to check.',
      errors: [{ field: 'file', message: 'is required' }],
    });
  return file.buffer;
}

function counts(rows: ServiceCheckRow[]) {
  return {
    cleared: rows.filter((r) => r.status && r.status !== 'not_cleared').length,
    notCleared: rows.filter((r) => r.status === 'not_cleared').length,
    errors: rows.filter((r) => r.error).length,
  };
}

/** "Was this person cleared on the date of that service?" for a whole billing or audit file. */
@ApiTags('clearance')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller()
export class DateOfServiceController {
  constructor(
    private readonly dateOfService: DateOfServiceService,
    private readonly formResults: FormResultsService,
  ) {}

  @ApiExcludeEndpoint()
  @Get('clearance/date-of-service')
  form(@Res() res: Response) {
    return res.render('clearance/date-of-service', { title: TITLE, rowLimit: LIMIT });
  }

  /**
   * The form posts here. A CSV download is the answer itself; the page's answers are kept for the
   * person who asked and the browser is sent (303) to the GET page that shows them.
   */
  @ApiExcludeEndpoint()
  @Post('clearance/date-of-service')
  @UseInterceptors(UPLOAD)
  async page(
    @UploadedFile() file: Express.Multer.File | undefined,
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const view = { title: TITLE, rowLimit: LIMIT, fileName: file?.originalname };
    try {
      const check = await this.dateOfService.prepare(fileOf(file), user);
      if ((req.body as Record<string, unknown>).format === 'csv') return await sendCsv(res, check);
      const rows: ServiceCheckRow[] = [];
      for await (const slice of check.answers()) rows.push(...slice);
      const kept: KeptCheck = { fileName: file?.originalname ?? 'the file', rows };
      const id = await this.formResults.keep(user.id, RESULT_KIND, kept);
      return res.redirect(303, `/clearance/date-of-service/results/${id}#results`);
    } catch (e) {
      if (!(e instanceof HttpException) || e.getStatus() >= 500 || res.headersSent) throw e;
      return res.status(e.getStatus()).render('clearance/date-of-service', { ...view, fileError: e.message });
    }
  }

  /** The answers to one check, for whoever sent the file (404 for anyone else, or after an hour). */
  @ApiExcludeEndpoint()
  @Get('clearance/date-of-service/results/:resultId')
  async showResults(
    @Param('resultId', new ParseUUIDPipe()) resultId: string,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const { fileName, rows } = await this.formResults.read<KeptCheck>(resultId, user.id, RESULT_KIND);
    return res.render('clearance/date-of-service', {
      title: TITLE,
      rowLimit: LIMIT,
      fileName,
      rows,
      counts: counts(rows),
    });
  }

  @Post('api/v1/clearance/date-of-service')
  @UseInterceptors(UPLOAD)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary', description: 'CSV with columns email (or person_id), date, role' },
      },
    },
  })
  @ApiOperation({
    summary:
      'Check a CSV of (person, date of service, practice role): cleared or not on each date, and why; unreadable rows reported by line',
    description: `At most ${LIMIT} rows a file. The answers are streamed as they are made: JSON \`{ rows: [...] }\` by default, or a CSV download with \`?format=csv\` or \`Accept: text/csv\`.`,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'One answer per row of the file, in file order',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            rows: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  line: { type: 'integer' },
                  person: { type: 'string' },
                  date: { type: 'string' },
                  role: { type: 'string' },
                  status: { type: 'string', nullable: true, enum: ['cleared', 'cleared_with_warning', 'not_cleared'] },
                  personName: { type: 'string', nullable: true },
                  reason: { type: 'string' },
                  error: { type: 'string', nullable: true },
                },
              },
            },
          },
        },
      },
      'text/csv': { schema: { type: 'string', example: 'line,person,date,role,name,result,why\n' } },
    },
  })
  @ApiPayloadTooLargeResponse({ description: `The file has more than ${LIMIT} rows; nothing was checked` })
  async api(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Query() query: DateOfServiceQuery,
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const check = await this.dateOfService.prepare(fileOf(file), user);
    const csv = query.format ? query.format === 'csv' : req.accepts(['application/json', 'text/csv']) === 'text/csv';
    await (csv ? sendCsv(res, check) : sendJson(res, check));
  }
}
