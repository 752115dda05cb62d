// main.ts: instead of app.enableCors(options), which loads the `cors` package, the drop-in with the
// same options (checked at start-up; origin '*' with credentials warns).
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { cors } from '../../../src/adapters/express.js';

export async function createApp(AppModule: object): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.use(cors({ origin: ['https://app.example'], credentials: true, methods: ['GET', 'PUT'] }));
  return app;
}
