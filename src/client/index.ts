// health-ingest/client: the TypeScript SDK of the health-ingest service (CONTRACT §12). fetch and
// WebCrypto only, so it runs in Bun, Node ≥ 20, browsers and React Native (with a WebCrypto
// polyfill for crypto.subtle). test/unit/client/portability.test.ts keeps it that way.
export { HealthIngestClient, type HealthIngestClientOptions, type PrivacySettingsApi } from './client.ts';
export { HealthIngestError, type FieldError } from './errors.ts';
export { payloadHash } from './payload-hash.ts';
export { deriveRequestId } from './request-id.ts';
export type { RetryOptions } from './retry-policy.ts';
export type { ImportFile, ImportOptions } from './import-file.ts';
export type { UploadOptions, UploadProgress } from './upload.ts';
export type { UploadFailure, UploadResult } from './upload-result.ts';
export type * from './wire-types.ts';
