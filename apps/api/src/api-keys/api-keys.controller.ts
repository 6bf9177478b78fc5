import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from '@tidings/auth';
import { ApiError } from '../openapi/api-error.decorator';
import { ApiKeyListResponse, CreatedApiKeyResponse } from './dtos/api-key.response';
import { CreateApiKeyDto } from './dtos/create-api-key.dto';

@ApiTags('api keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Mint a key; the response holds it (shown only here)' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  create(@Body() dto: CreateApiKeyDto, @Req() req: { apiKeyId?: string }): Promise<CreatedApiKeyResponse> {
    // The asking key is checked again in the minting transaction: one revoked meanwhile (on any replica) mints nothing.
    return this.keys.create(dto.name, dto.scopes, req.apiKeyId);
  }

  @Get()
  @ApiOperation({ summary: 'Every key, newest first (revoked ones too; never the key itself)' })
  @ApiOkResponse({ type: ApiKeyListResponse })
  async list(): Promise<ApiKeyListResponse> {
    return { data: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  @ApiNoContentResponse({ description: 'Revoked (a key revoked before answers 204 too)' })
  @ApiError(404, 'not_found: no such key')
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
