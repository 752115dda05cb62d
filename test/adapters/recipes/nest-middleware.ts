// app.module.ts: a crossorigin/server policy as Nest middleware for every route.
import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { corsMiddleware } from '../../../src/adapters/express.js';
import { ItemsController } from './nest-controller.js';

export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(corsMiddleware({ origins: ['https://app.example'], credentials: true, methods: ['PUT'] }))
      .forRoutes('*');
  }
}
Module({ controllers: [ItemsController] })(AppModule);
