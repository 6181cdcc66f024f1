import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { requestId } from './common/http/request-id.middleware';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { ALL_ROLES_UNTIL_ACCOUNTS } from './modules/web/current-roles';
import { navigationFor } from './modules/web/navigation';
import { registerViewHelpers } from './modules/web/view-helpers';

/** Project root: compiled code runs from dist/src, tests from src; both sit two levels below views/. */
export const ROOT_DIR = join(__dirname, __dirname.includes(`${join('dist', 'src')}`) ? '../..' : '..');

/** Everything the HTTP application needs beyond its modules; shared by main.ts and the tests. */
export function setupApp(app: NestExpressApplication, config: AppConfig): void {
  const viewsDir = join(ROOT_DIR, 'views');
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestId);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Swagger UI needs inline styles and its own scripts; our pages use neither inline scripts nor styles.
          'script-src': ["'self'", "'unsafe-inline'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': config.publicBaseUrl.startsWith('https:') ? [] : null,
        },
      },
      strictTransportSecurity: config.publicBaseUrl.startsWith('https:'),
    }),
  );
  app.useStaticAssets(join(ROOT_DIR, 'public'), { prefix: '/assets/', maxAge: '1h' });
  app.useStaticAssets(join(ROOT_DIR, 'node_modules/@picocss/pico/css'), { prefix: '/assets/pico/', maxAge: '1d' });
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  if (config.isProduction) app.enable('view cache');
  registerViewHelpers(viewsDir);
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.orgName = config.orgName;
    res.locals.nav = navigationFor(ALL_ROLES_UNTIL_ACCOUNTS, req.path);
    next();
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const openApi = new DocumentBuilder()
    .setTitle(`${config.orgName} API`)
    .setDescription(
      'Training and certification records for peer-support programs. Errors share one shape: { statusCode, message, errors: [{ field, message }] }.',
    )
    .setVersion('1')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });
}
