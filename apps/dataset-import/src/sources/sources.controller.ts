import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CallerDomain } from '@s3c/nest-kit';
import { toOverrides } from './source-config.dto';
import { presentPreview, SourcePreviewRequestDto } from './source-preview.dto';
import { SourcePreviewService } from './source-preview.service';

@ApiTags('sources')
@ApiSecurity('apikey')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/sources')
export class SourcesController {
  constructor(private readonly previews: SourcePreviewService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiBody({ type: SourcePreviewRequestDto })
  @ApiOkResponse({ description: 'The object, the source configuration used (detected or imposed, with confidence), the fields and the first 20 records' })
  async preview(@CallerDomain() domain: string, @Body() body: SourcePreviewRequestDto) {
    const result = await this.previews.preview(
      { domain, connectionId: body.connection_id, location: body.location ?? '' },
      toOverrides(body.config),
      body.fields,
    );
    return presentPreview(result);
  }
}
