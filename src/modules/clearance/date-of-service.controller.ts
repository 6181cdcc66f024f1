import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import type {} from 'multer'; // the Express.Multer.File type
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../auth/decorators';
import { DateOfServiceService, type ServiceCheckRow } from './date-of-service.service';

/** A CSV of up to 10 MB: about 200,000 rows. */
const UPLOAD = FileInterceptor('file', { limits: { fileSize: 10 * 1024 * 1024, files: 1 } });

function csvOf(rows: ServiceCheckRow[]): string {
  return stringify(
    [
      ['line', 'person', 'date', 'role', 'name', 'result', 'why'],
      ...rows.map((r) => [
        r.line,
        r.person,
        r.date,
        r.role,
        r.personName ?? '',
        r.error ? 'error' : r.status,
        r.error ?? r.reason,
      ]),
    ],
    { escape_formulas: true },
  );
}

function fileText(file: Express.Multer.File | undefined): string {
  if (!file || file.size === 0)
    throw new BadRequestException({
      statusCode: 400,
      message: 'Choose a CSV file to check.',
      errors: [{ field: 'file', message: 'is required' }],
    });
  return file.buffer.toString('utf8');
}

/** "Was this person cleared on the date of that service?" for a whole billing or audit file. */
@ApiTags('clearance')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller()
export class DateOfServiceController {
  constructor(private readonly dateOfService: DateOfServiceService) {}

  @ApiExcludeEndpoint()
  @Get('clearance/date-of-service')
  form(@Res() res: Response) {
    return res.render('clearance/date-of-service', { title: 'Date-of-service check' });
  }

  @ApiExcludeEndpoint()
  @Post('clearance/date-of-service')
  @HttpCode(200)
  @UseInterceptors(UPLOAD)
  async page(
    @UploadedFile() file: Express.Multer.File | undefined,
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    if (!file || file.size === 0)
      return res.status(400).render('clearance/date-of-service', {
        title: 'Date-of-service check',
        fileError: 'Choose a CSV file to check.',
      });
    const { rows, fileError } = await this.dateOfService.check(file.buffer.toString('utf8'), user);
    if ((req.body as Record<string, string>).format === 'csv' && !fileError) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="date-of-service-check.csv"');
      return res.send(csvOf(rows));
    }
    return res.status(fileError ? 400 : 200).render('clearance/date-of-service', {
      title: 'Date-of-service check',
      fileError,
      fileName: file.originalname,
      rows,
      counts: {
        cleared: rows.filter((r) => r.status && r.status !== 'not_cleared').length,
        notCleared: rows.filter((r) => r.status === 'not_cleared').length,
        errors: rows.filter((r) => r.error).length,
      },
    });
  }

  @Post('api/v1/clearance/date-of-service')
  @HttpCode(200)
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
  })
  async api(@UploadedFile() file: Express.Multer.File | undefined, @CurrentUser() user: AuthUser) {
    const { rows, fileError } = await this.dateOfService.check(fileText(file), user);
    if (fileError)
      throw new BadRequestException({
        statusCode: 400,
        message: fileError,
        errors: [{ field: 'file', message: fileError }],
      });
    return { rows };
  }
}
