import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { memoryStorage } from 'multer';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { FileUploadInterceptor } from '../auth/file-upload.interceptor';
import { ApproveSubmissionDto, ReturnSubmissionDto, SubmissionListQuery } from './dto/submission.dto';
import { EVIDENCE_LIMITS } from './evidence/evidence-type';
import { SubmissionsService } from './submissions.service';
import { submissionView } from './submissions.views';

/** Evidence arrives in memory (at most five files of 10 MB): each is checked by its bytes before any is stored. */
export const EVIDENCE_UPLOAD = FileUploadInterceptor(
  'files',
  { storage: memoryStorage(), limits: { fileSize: EVIDENCE_LIMITS.maxBytes, files: EVIDENCE_LIMITS.maxFiles + 1 } },
  {
    maxCount: EVIDENCE_LIMITS.maxFiles,
    tooLarge: 'Each evidence file can be at most 10 MB.',
    tooMany: `At most ${EVIDENCE_LIMITS.maxFiles} evidence files can be attached.`,
  },
);

const SUBMIT_BODY = {
  schema: {
    type: 'object',
    required: ['kind', 'files'],
    properties: {
      kind: { type: 'string', enum: ['credential', 'renewal', 'ce'] },
      credentialId: { type: 'string', format: 'uuid', description: 'renewal: the credential renewed' },
      previousId: { type: 'string', format: 'uuid', description: 'resubmission: the returned submission' },
      credentialTypeCode: { type: 'string' },
      issuedOn: { type: 'string', format: 'date' },
      expiresOn: { type: 'string', format: 'date' },
      licenceNumber: { type: 'string' },
      issuingBody: { type: 'string' },
      title: { type: 'string' },
      provider: { type: 'string' },
      completedOn: { type: 'string', format: 'date' },
      hours: { type: 'number' },
      category: { type: 'string' },
      files: {
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: '1 to 5 PDF, JPEG, PNG or HEIC files',
      },
    },
  },
};

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1')
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Post('me/submissions')
  @UseInterceptors(EVIDENCE_UPLOAD)
  @ApiOperation({ summary: 'Hand in a credential, a renewal or CE with its evidence, for review' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(SUBMIT_BODY)
  async submitMine(
    @Body() body: Record<string, unknown>,
    @UploadedFiles() files: Express.Multer.File[] | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return submissionView(await this.submissions.submit(user.id, body, files ?? [], user, actor));
  }

  @Post('people/:id/submissions')
  @Roles('supervisor', 'admin')
  @UseInterceptors(EVIDENCE_UPLOAD)
  @ApiOperation({ summary: "Hand in a record on a person's behalf (their supervisor, or an admin)" })
  @ApiConsumes('multipart/form-data')
  @ApiBody(SUBMIT_BODY)
  async submitFor(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @UploadedFiles() files: Express.Multer.File[] | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return submissionView(await this.submissions.submit(id, body, files ?? [], user, actor));
  }

  @Get('me/submissions')
  @ApiOperation({ summary: 'Your submissions, newest first' })
  async mine(@CurrentUser() user: AuthUser) {
    return (await this.submissions.forPerson(user.id, user)).map(submissionView);
  }

  @Get('submissions')
  @Roles('admin')
  @ApiOperation({ summary: 'The review queue, oldest first' })
  async list(@Query() query: SubmissionListQuery) {
    return (await this.submissions.list(query)).map(submissionView);
  }

  @Get('submissions/:id')
  @ApiOperation({ summary: 'One submission (its holder, their supervisors, admins)' })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return submissionView(await this.submissions.get(id, user));
  }

  @Post('submissions/:id/approve')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Approve: records the credential, renewal or CE entry and its primary-source check, in one transaction',
  })
  async approve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ApproveSubmissionDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return submissionView(await this.submissions.approve(id, dto, user, actor));
  }

  @Post('submissions/:id/return')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Send it back with what to fix; the person is told in the app and by e-mail' })
  async returnToSender(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ReturnSubmissionDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return submissionView(await this.submissions.returnToSender(id, dto.reason, user, actor));
  }

  @Post('submissions/:id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a submission back before it is reviewed' })
  async withdraw(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return submissionView(await this.submissions.withdraw(id, user, actor));
  }

  @Get('submissions/:id/files/:n')
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png', 'image/heic')
  @ApiOperation({ summary: 'An evidence file, as a download (?inline=1 for the viewer in the review page)' })
  async file(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('n', new ParseIntPipe()) n: number,
    @Query('inline') inline: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const { file, bytes } = await this.submissions.file(id, n, user);
    sendEvidence(res, file, bytes, inline === '1');
  }
}

/**
 * Evidence is what a person uploaded: never let a browser treat it as a page of this site. It is
 * sent with its checked type, no sniffing, as an attachment unless the review page shows it, and
 * with a CSP that sandboxes the response (no scripts, no same-origin access) either way.
 */
export function sendEvidence(
  res: Response,
  file: { name: string; mime: string; size: number; type: string },
  bytes: Buffer,
  inline: boolean,
): void {
  const safeName = file.name.replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 100) || `evidence.${file.type}`;
  res.setHeader('Content-Type', file.mime);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; object-src 'self'");
  res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${safeName}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(bytes);
}
