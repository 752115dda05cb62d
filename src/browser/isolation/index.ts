/**
 * Beyond CORS: Opaque Response Blocking, Cross-Origin-Resource-Policy, Cross-Origin-Embedder-Policy
 * (and `crossOriginIsolated`) and Cross-Origin-Opener-Policy, as Chromium 156, Firefox ESR 153 and
 * the standards do them. See docs/browser.md, "Beyond CORS: ORB, CORP, COEP and COOP".
 */
export { determineNosniff, extractMimeType } from './_mime.js';
export {
  credentialsUnderEmbedderPolicy,
  crossOriginIsolated,
  type EmbedderPolicyValue,
  embedderPolicyAllowsCredentials,
  parseEmbedderPolicy,
} from './coep.js';
export {
  coopRequiresBrowsingContextGroupSwitch,
  type OpenerPolicyValue,
  type PopupRelation,
  parseOpenerPolicy,
  popupRelation,
} from './coop.js';
export {
  type CorpCheckInput,
  type CorpPolicy,
  type CorpResult,
  crossOriginResourcePolicyCheck,
  crossOriginResourcePolicyInternalCheck,
  parseCorpHeader,
} from './corp.js';
export {
  isOpaqueBlocklistedMimeType,
  isOpaqueBlocklistedNeverSniffedMimeType,
  isOpaqueSafelistedMimeType,
  MAX_JAVASCRIPT_CHECK,
  type OpaqueResponse,
  type OrbAllowReason,
  type OrbBlockReason,
  type OrbVerdict,
  opaqueResponseBlocking,
  opaqueResponseBlockingChromium,
  opaqueResponseBlockingSpec,
} from './orb.js';
export {
  type BlockedBy,
  corpErrorKind,
  failedToLoadResourceLine,
  isolationErrorKind,
  type NoCorsLoad,
  type NoCorsLoader,
  type NoCorsOutcome,
  noCorsLoad,
  orbBlockIsNetworkError,
  type PageView,
  scriptMimeRefusal,
} from './outcome.js';
export { ISOLATION_CHROMIUM, ISOLATION_FIREFOX, ISOLATION_SPEC, type IsolationProfile } from './profile.js';
