import {
  BadRequestException,
  Body,
  Catch,
  Controller,
  Get,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
  Post,
  Query,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { memoryStorage } from 'multer';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { formErrorsFrom } from '../../common/http/form-errors';
import { submitForm, type FormErrors } from '../../common/http/form-post';
import { FileUploadInterceptor } from '../auth/file-upload.interceptor';
import { CertificateSettings, SIGNATURE_MAX_BYTES } from './certificate-settings.service';
import { DirectorSettingsDto } from './dto/certificate-settings.dto';

const SIGNATURE_UPLOAD = FileUploadInterceptor(
  'signature',
  { storage: memoryStorage(), limits: { fileSize: SIGNATURE_MAX_BYTES, files: 1 } },
  { tooLarge: 'The image is larger than 1 MB, the most it may be.' },
);

const NOTICES: Record<string, string> = {
  director: "Saved: certificates drawn from now on print this name. Issued ones don't change.",
  signature: "Signature saved: certificates drawn from now on show it above the director's line.",
  'signature-removed': 'Signature removed: the line is left for a hand signature again.',
};

/** The settings page's model: what is set now, with a notice or a refused form's messages. */
async function settingsModel(settings: CertificateSettings, extra: { notice?: string; errors?: FormErrors } = {}) {
  // Not "settings": Express passes its own app settings to views under that name.
  const current = await settings.view();
  return { title: 'Settings', current, maxKb: SIGNATURE_MAX_BYTES / 1024, ...extra };
}

/** The upload's own refusals (over 1 MB) come before the handler runs: shown on the page, not as an error page. */
@Injectable()
@Catch(PayloadTooLargeException, BadRequestException)
export class SignatureUploadRefusal implements ExceptionFilter {
  constructor(private readonly settings: CertificateSettings) {}

  async catch(exception: PayloadTooLargeException | BadRequestException, host: ArgumentsHost): Promise<void> {
    const res = host.switchToHttp().getResponse<Response>();
    res
      .status(exception.getStatus())
      .render('certificates/settings', await settingsModel(this.settings, { errors: formErrorsFrom(exception) }));
  }
}

/** Program settings an admin edits: what certificates print for the program director. */
@ApiExcludeController()
@Roles('admin')
@Controller('admin/settings')
export class CertificateSettingsPagesController {
  constructor(private readonly settings: CertificateSettings) {}

  @Get()
  async show(@Query('notice') notice: string | undefined, @Res() res: Response) {
    return res.render('certificates/settings', await settingsModel(this.settings, { notice: NOTICES[notice ?? ''] }));
  }

  @Post()
  async saveDirector(@Body() body: Record<string, unknown>, @RequestActor() actor: Actor, @Res() res: Response) {
    return submitForm(res, {
      dto: DirectorSettingsDto,
      body,
      run: (value) => this.settings.setDirectorName(value.directorName, actor),
      done: () => '/admin/settings?notice=director',
      view: 'certificates/settings',
      model: (errors) => settingsModel(this.settings, { errors }),
    });
  }

  @Get('signature')
  async signature(@Res() res: Response) {
    const image = await this.settings.signatureImage();
    if (!image) throw new NotFoundException('No signature image is set.');
    res.set('Cache-Control', 'private, no-store').type(image.mime).send(image.bytes);
  }

  @Post('signature')
  @UseInterceptors(SIGNATURE_UPLOAD)
  @UseFilters(SignatureUploadRefusal)
  async uploadSignature(
    @UploadedFile() file: Express.Multer.File | undefined,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.settings.setSignature(file, actor);
    return res.redirect(303, '/admin/settings?notice=signature');
  }

  @Post('signature/remove')
  async removeSignature(@RequestActor() actor: Actor, @Res() res: Response) {
    await this.settings.removeSignature(actor);
    return res.redirect(303, '/admin/settings?notice=signature-removed');
  }
}
