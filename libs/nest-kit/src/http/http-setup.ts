import type { Server } from 'node:http';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JsonLogger } from '../logging/json-logger';
import { answerClientErrors } from './client-error.handler';
import { HttpExceptionFilter } from './http-exception.filter';
import { checkRequestShape, requireJsonBody } from './request-shape.middleware';

export const OPENAPI_PATH = 'api/docs';

/**
 * The REST conventions shared by the services: JSON bodies only, of bounded size and depth, validated and
 * whitelisted (unknown fields and prototype keys are refused), one error shape (also for requests Node's
 * parser refuses), and the OpenAPI document at /api/docs (JSON at /api/docs-json).
 */
export function setupHttp(app: INestApplication, { title, description }: { title: string; description: string }): void {
  const express = app as NestExpressApplication;
  // Registered now, these run before the parsers Nest adds at init (form-urlencoded) and before every route.
  express.use(requireJsonBody);
  express.useBodyParser('json', { limit: '256kb' });
  express.use(checkRequestShape);
  express.disable('x-powered-by');
  answerClientErrors(app.getHttpServer() as Server);
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
