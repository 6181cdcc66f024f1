import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { allowOwnInlineCode } from './common/http/inline-hashes';
import { limitNestingDepth, MAX_NESTING_DEPTH } from './common/http/nesting-depth';
import { refuseReservedKeys } from './common/http/reserved-keys';
import { requestId } from './common/http/request-id.middleware';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { WriteLock } from './common/db/write-lock';
import { AuthService } from './modules/auth/auth.service';
import { authenticate } from './modules/auth/authenticate.middleware';
import { registerViewHelpers } from './modules/web/view-helpers';
import { navigation } from './modules/web/navigation';
import { ROOT_DIR } from './common/root-dir';

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
          // Our pages have no inline script, inline handler or inline style: scripts and styles are files under public/.
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': config.servesHttps ? [] : null,
        },
      },
      // Strict-Transport-Security over http would be ignored at best, and would pin a host that has no https.
      strictTransportSecurity: config.servesHttps,
    }),
  );
  // Swagger UI's page (not ours) has inline <style> blocks and one style attribute: those alone are allowed, by hash.
  app.use('/api/docs', allowOwnInlineCode());
  app.useStaticAssets(join(ROOT_DIR, 'public'), { prefix: '/assets/', maxAge: '1h' });
  app.useStaticAssets(join(ROOT_DIR, 'node_modules/@picocss/pico/css'), { prefix: '/assets/pico/', maxAge: '1d' });
  // An attendance grid posts one field per person and session: 200 people by 20 sessions is 4,000 fields.
  // body-parser 2 refuses a form nested deeper than `depth` with a 400; its type definitions predate the option.
  const formOptions = { extended: true, parameterLimit: 20_000, limit: '2mb', depth: MAX_NESTING_DEPTH };
  app.useBodyParser('urlencoded', formOptions);
  app.useBodyParser('json', { limit: '2mb' });
  app.use(limitNestingDepth);
  app.use(refuseReservedKeys);
  app.use(cookieParser());
  app.use(app.get(WriteLock).middleware());
  app.use(authenticate(app.get(AuthService), config));
  app.use(navigation(config));
  // The API docs are served outside Nest's routing, so they get their own sign-in check.
  app.use('/api/docs', (req: Request, res: Response, next: NextFunction) => {
    if (req.user) return next();
    if (req.accepts(['html', 'json']) === 'html')
      return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    res.status(401).json({ statusCode: 401, message: 'Please sign in.', errors: [] });
  });
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  if (config.isProduction) app.enable('view cache');
  registerViewHelpers(viewsDir, config.timeZone);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.locals.orgName = config.orgName;
    res.locals.timeZone = config.timeZone;
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
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: "An API token an admin issued on the person's Access page",
    })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
    // Without the top bar: it only shows Swagger's logo, an SVG with an inline <style> the policy would refuse.
    swaggerOptions: { layout: 'BaseLayout' },
  });
}
