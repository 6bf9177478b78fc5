import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, ApiKeyView } from '@tidings/auth';
import { CreateApiKeyDto } from './dtos/create-api-key.dto';

@ApiTags('api keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Mint a key; the response holds it (shown only here)' })
  create(@Body() dto: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    return this.keys.create(dto.name, dto.scopes);
  }

  @Get()
  async list(): Promise<{ data: ApiKeyView[] }> {
    return { data: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
