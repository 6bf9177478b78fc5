import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { join } from 'node:path';
import { Public } from '../auth/require-scope.decorator';

const STATIC = join(__dirname, 'static');

/**
 * The admin page: static files only. It asks for an admin key in the browser
 * and calls the JSON API with it, so serving the page needs no key.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminController {
  @Get()
  @Header('content-security-policy', "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
  page(@Res() res: Response): void {
    res.sendFile(join(STATIC, 'index.html'));
  }

  @Get('admin.js')
  script(@Res() res: Response): void {
    res.type('application/javascript').sendFile(join(STATIC, 'admin.js'));
  }

  @Get('admin.css')
  styles(@Res() res: Response): void {
    res.type('text/css').sendFile(join(STATIC, 'admin.css'));
  }
}
