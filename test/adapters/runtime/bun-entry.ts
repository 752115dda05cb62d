import { dispatch } from './dispatch.js';

declare const Bun: {
  serve(options: { hostname: string; port: number; fetch(request: Request): Promise<Response> }): {
    port: number;
  };
};

const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: dispatch });
console.log(JSON.stringify({ port: server.port }));
