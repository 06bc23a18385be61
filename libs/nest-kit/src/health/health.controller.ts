import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthRegistry } from './health.registry';

/** Liveness says the process serves requests; readiness says its broker and store answer too. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<{ status: 'up' | 'down'; checks: object }> {
    const { ready, checks } = await this.registry.run();
    response.status(ready ? 200 : 503);
    return { status: ready ? 'up' : 'down', checks };
  }
}
