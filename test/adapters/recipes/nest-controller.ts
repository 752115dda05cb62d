// The application's controller (decorators applied as functions, as `@Controller('items')` and
// `@Get()` / `@Put()` would).
import { Controller, Get, Module, Put } from '@nestjs/common';

export class ItemsController {
  list(): { items: string[] } {
    return { items: ['a'] };
  }
  replace(): { ok: boolean } {
    return { ok: true };
  }
}
Controller('items')(ItemsController);
for (const [decorator, name] of [
  [Get(), 'list'],
  [Put(), 'replace'],
] as const) {
  decorator(
    ItemsController.prototype,
    name,
    Object.getOwnPropertyDescriptor(ItemsController.prototype, name)!,
  );
}

export class PlainModule {}
Module({ controllers: [ItemsController] })(PlainModule);
