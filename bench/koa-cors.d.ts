// @koa/cors ships no types; the part the frameworks bench uses.
declare module '@koa/cors' {
  import type { Context, Middleware } from 'koa';

  interface Options {
    origin?: string | ((ctx: Context) => string | Promise<string>);
    credentials?: boolean;
  }
  export default function cors(options?: Options): Middleware;
}
