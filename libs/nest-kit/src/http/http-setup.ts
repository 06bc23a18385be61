import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JsonLogger } from '../logging/json-logger';
import { HttpExceptionFilter } from './http-exception.filter';

export const OPENAPI_PATH = 'api/docs';

/**
 * The REST conventions shared by the services: validated and whitelisted bodies (unknown fields are
 * refused), a bounded body size, one error shape, and the OpenAPI document at /api/docs (JSON at /api/docs-json).
 */
export function setupHttp(app: INestApplication, { title, description }: { title: string; description: string }): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: '256kb' });
  express.disable('x-powered-by');
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalFilters(new HttpExceptionFilter(app.get(JsonLogger)));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(description)
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'Apikey <key>' }, 'apikey')
      .build(),
  );
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_PATH}-json` });
}
