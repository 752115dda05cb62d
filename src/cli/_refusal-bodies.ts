/**
 * `check` keeps the body of a refused preflight (our server's debug mode names the refused header
 * there), without standing between the engine and its default transport: that transport gives the
 * engine the raw header list (two `Access-Control-Allow-Origin` lines stay two, which Firefox
 * refuses differently from one line naming two origins), and any fetch given instead would merge
 * them. So the body is read by an undici interceptor on the dispatcher the engine sends through.
 */
import { DecoratorHandler, type Dispatcher, getGlobalDispatcher } from 'undici';

/** At most this much of a refused preflight's body is kept. */
export const BODY_LIMIT = 2048;

type H = Dispatcher.DispatchHandler;
interface Handler {
  onResponseStart(...args: Parameters<NonNullable<H['onResponseStart']>>): void;
  onResponseData(...args: Parameters<NonNullable<H['onResponseData']>>): void;
  onResponseEnd(...args: Parameters<NonNullable<H['onResponseEnd']>>): void;
}
/** undici's DecoratorHandler forwards every callback (new and legacy handlers); its types list none. */
const Forwarding = DecoratorHandler as unknown as new (handler: Dispatcher.DispatchHandler) => Handler;

/** Reads the body of a non-2xx answer to OPTIONS into `bodies` (by URL), passing everything on. */
class RefusalBody extends Forwarding {
  private keep = false;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(
    handler: Dispatcher.DispatchHandler,
    private readonly url: string,
    private readonly bodies: Map<string, string>,
  ) {
    super(handler);
  }
  override onResponseStart(...args: Parameters<Handler['onResponseStart']>) {
    this.keep = args[1] < 200 || args[1] > 299;
    return super.onResponseStart(...args);
  }
  override onResponseData(...args: Parameters<Handler['onResponseData']>) {
    if (this.keep && this.size < BODY_LIMIT) {
      this.chunks.push(args[1]);
      this.size += args[1].length;
    }
    return super.onResponseData(...args);
  }
  override onResponseEnd(...args: Parameters<Handler['onResponseEnd']>) {
    if (this.keep && this.size > 0)
      this.bodies.set(this.url, Buffer.concat(this.chunks).toString('utf8').slice(0, BODY_LIMIT));
    return super.onResponseEnd(...args);
  }
}

/** `base` (default: undici's global dispatcher) with refused preflights' bodies kept in `bodies`. */
export function refusalCapturingDispatcher(bodies: Map<string, string>, base?: Dispatcher): Dispatcher {
  return (base ?? getGlobalDispatcher()).compose((dispatch) => (opts, handler) => {
    if (String(opts.method).toUpperCase() !== 'OPTIONS') return dispatch(opts, handler);
    const url = new URL(opts.path, String(opts.origin)).href;
    return dispatch(opts, new RefusalBody(handler, url, bodies));
  });
}
