import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiCreatedResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CallerDomain } from '@s3c/nest-kit';
import { presentConnection } from './connection.presenter';
import { ConnectionListView, ConnectionView, CreateConnectionDto, ListConnectionsQueryDto, UpdateConnectionDto } from './connection.dto';
import { ConnectionsService } from './connections.service';

const connectionId = new ParseUUIDPipe({ version: '4' });

@ApiTags('connections')
@ApiSecurity('apikey')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiBody({ type: CreateConnectionDto })
  @ApiCreatedResponse({ type: ConnectionView, description: 'IAM role: created invalid until role_arn is set; sigv4/anonymous: validated on creation' })
  async create(@CallerDomain() domain: string, @Body() body: CreateConnectionDto): Promise<ConnectionView> {
    return presentConnection(await this.connections.create(domain, body), this.connections);
  }

  @Get()
  @ApiOkResponse({ type: ConnectionListView })
  async list(@CallerDomain() domain: string, @Query() query: ListConnectionsQueryDto): Promise<ConnectionListView> {
    const { items, total } = await this.connections.list(domain, query.offset, query.limit);
    return { total, limit: query.limit, offset: query.offset, items: items.map((item) => presentConnection(item, this.connections)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectionView })
  async get(@CallerDomain() domain: string, @Param('id', connectionId) id: string): Promise<ConnectionView> {
    return presentConnection(await this.connections.get(domain, id), this.connections);
  }

  @Patch(':id')
  @ApiBody({ type: UpdateConnectionDto })
  @ApiOkResponse({ type: ConnectionView, description: 'Changes to role_arn, keys, url or region are validated before answering' })
  async update(@CallerDomain() domain: string, @Param('id', connectionId) id: string, @Body() body: UpdateConnectionDto): Promise<ConnectionView> {
    return presentConnection(await this.connections.update(domain, id, body), this.connections);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@CallerDomain() domain: string, @Param('id', connectionId) id: string): Promise<void> {
    await this.connections.delete(domain, id);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @ApiOkResponse({ type: ConnectionView })
  async validate(@CallerDomain() domain: string, @Param('id', connectionId) id: string): Promise<ConnectionView> {
    return presentConnection(await this.connections.validate(domain, id), this.connections);
  }
}
