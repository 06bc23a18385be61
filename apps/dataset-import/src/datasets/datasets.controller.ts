import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CallerDomain } from '@s3c/nest-kit';
import { presentDataset, presentImport } from './dataset.presenter';
import { CreateDatasetDto, DatasetSourceDto, PageQueryDto, RequestImportDto } from './dataset.dto';
import { DatasetsService } from './datasets.service';

const importId = new ParseUUIDPipe({ version: '4' });

@ApiTags('datasets')
@ApiSecurity('apikey')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Post()
  @ApiBody({ type: CreateDatasetDto })
  @ApiCreatedResponse({ description: 'The dataset, and its first import (queued)' })
  async create(@CallerDomain() domain: string, @Body() body: CreateDatasetDto) {
    const created = await this.datasets.create(domain, body);
    return { ...presentDataset(created.dataset, created.import), import: presentImport(created.import) };
  }

  @Get(':datasetId')
  @ApiOkResponse({ description: 'Metadata, fields, record count and last import' })
  async get(@CallerDomain() domain: string, @Param('datasetId') datasetId: string) {
    const dataset = await this.datasets.get(domain, datasetId);
    return presentDataset(dataset, await this.datasets.lastImport(dataset));
  }

  @Post(':datasetId/sources')
  @ApiBody({ type: DatasetSourceDto })
  @ApiCreatedResponse({ description: 'The dataset with the new source, and the import it started' })
  async addSource(@CallerDomain() domain: string, @Param('datasetId') datasetId: string, @Body() body: DatasetSourceDto) {
    const updated = await this.datasets.addSource(domain, datasetId, body);
    return { ...presentDataset(updated.dataset, updated.import), import: presentImport(updated.import) };
  }

  @Post(':datasetId/imports')
  @HttpCode(202)
  @ApiBody({ type: RequestImportDto, required: false })
  @ApiAcceptedResponse({ description: 'The queued import; it ends `unchanged` when no source changed (unless forced)' })
  async requestImport(@CallerDomain() domain: string, @Param('datasetId') datasetId: string, @Body() body: RequestImportDto) {
    return presentImport(await this.datasets.requestImport(domain, datasetId, body?.force ?? false));
  }

  @Get(':datasetId/imports/:importId')
  @ApiOkResponse({ description: 'Status, rows, bytes, percent, rows/s, rejected count, error' })
  async getImport(@CallerDomain() domain: string, @Param('datasetId') datasetId: string, @Param('importId', importId) id: string) {
    return presentImport(await this.datasets.getImport(domain, datasetId, id));
  }

  @Get(':datasetId/records')
  @ApiOkResponse({ description: 'The records currently published, with typed values' })
  records(@CallerDomain() domain: string, @Param('datasetId') datasetId: string, @Query() query: PageQueryDto) {
    return this.datasets.recordsPage(domain, datasetId, query.offset, query.limit);
  }

  @Get(':datasetId/imports/:importId/rejected')
  @ApiOkResponse({ description: 'Rows the import could not take: line number, raw line, reason' })
  async rejected(@CallerDomain() domain: string, @Param('datasetId') datasetId: string, @Param('importId', importId) id: string, @Query() query: PageQueryDto) {
    const page = await this.datasets.rejectedPage(domain, datasetId, id, query.offset, query.limit);
    return {
      ...page,
      items: page.items.map((row) => ({ source: row.source, line: row.line, reason: row.reason, message: row.message, raw: row.raw, ...(row.field ? { field: row.field } : {}) })),
    };
  }
}
