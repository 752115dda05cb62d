/**
 * The `cors` package's option shapes (expressjs/cors 2.8), plus this drop-in's `dangerously…`
 * switches.
 */

/** One item of the `origin` option, as the `cors` package takes it. */
export type StaticOrigin = boolean | string | RegExp | (boolean | string | RegExp)[];

/** `origin` as a function: decide per request origin and call back with a {@link StaticOrigin}. */
export type CustomOrigin = (
  requestOrigin: string | undefined,
  callback: (err: Error | null, origin?: StaticOrigin) => void,
) => void;

/** The `cors` package's options, plus the `dangerously…` switches of this drop-in. */
export interface CorsOptions {
  /** Default `'*'`. A string is one origin; `true` reflects the request's origin; a RegExp or an array tests it. */
  origin?: StaticOrigin | CustomOrigin;
  /** Default `'GET,HEAD,PUT,PATCH,POST,DELETE'`. */
  methods?: string | string[];
  /** Default: reflect the preflight's `Access-Control-Request-Headers` (after checking it). */
  allowedHeaders?: string | string[];
  /** Alias of `allowedHeaders`. */
  headers?: string | string[];
  exposedHeaders?: string | string[];
  /**
   * Default `false`. With `origin: '*'` (the default) browsers refuse every credentialed read
   * (`Access-Control-Allow-Origin: *` never covers credentials); the drop-in sends what `cors`
   * sends and warns once, naming the fix.
   */
  credentials?: boolean;
  /** Seconds; default: not sent. */
  maxAge?: number;
  /** Default `false`: a preflight is answered here; `true`: it is passed on with the headers set. */
  preflightContinue?: boolean;
  /** Default `204`. Must be 200..299 (browsers fail a preflight on any other status). */
  optionsSuccessStatus?: number;
  /** Allow `origin: true` together with `credentials: true` (any site may act as your users). Default `false`. */
  dangerouslyReflectAnyOrigin?: boolean;
  /** Allow RegExp origins that are not anchored, have an unescaped `.` or the `g`/`y` flag. Default `false`. */
  dangerouslyAllowUnsafeRegExp?: boolean;
  /** Allow `http:` origins (other than localhost and loopback) with credentials. Default `false`. */
  dangerouslyTolerateInsecureOrigins?: boolean;
  /** Allow the origin `'null'` in the origin option. Default `false`. */
  dangerouslyAllowNullOrigin?: boolean;
}

/** `cors`'s options delegate: options per request, for example by path. */
export type CorsOptionsDelegate<T = unknown> = (
  req: T,
  callback: (err: Error | null, options?: CorsOptions) => void,
) => void;
