import 'reflect-metadata';
import { parseConfig, processEnv } from '@tidings/config';
import { DataSource } from 'typeorm';
import { directDataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (`typeorm migration:generate -d dist/libs/database/src/data-source.js`). */
export default new DataSource(directDataSourceOptions(parseConfig(processEnv()), 'tidings-typeorm-cli'));
