import { type DynamicModule, Module } from '@nestjs/common';
import { JsonLogger } from './json-logger';

@Module({})
export class LoggingModule {
  static forRoot(logger: JsonLogger): DynamicModule {
    return { module: LoggingModule, global: true, providers: [{ provide: JsonLogger, useValue: logger }], exports: [JsonLogger] };
  }
}
