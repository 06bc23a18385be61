import { type DynamicModule, Module } from '@nestjs/common';
import { loadConfig } from './config';

/**
 * Provides the validated config instance under its own class as the injection token:
 * `constructor(private readonly config: ConnectionsConfig)`.
 */
@Module({})
export class ConfigModule {
  static forRoot<T extends object>(configClass: new () => T, config?: T): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: configClass, useValue: config ?? loadConfig(configClass) }],
      exports: [configClass],
    };
  }
}
