// Environment → one typed, frozen config. The only module that reads the environment.
// Every invalid variable is named in one error so an operator fixes them all at once.

export interface Config {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  jwtSecret: string;
  /** user tokens are an identity provider's, verified against this key set; null: HS256 with jwtSecret */
  jwtJwksUrl: string | null;
  /** `iss` / `aud` user tokens must carry; null: not checked */
  jwtIssuer: string | null;
  jwtAudience: string | null;
  /** how a provider's `sub` becomes a user id: must be a UUID, or mapped to one (auth/subject-mapping.ts) */
  jwtSubjects: 'uuid' | 'derived';
  /** least time between two key-set fetches for an unknown kid */
  jwtJwksCooldownMs: number;
  /** a fetched key set is fetched again after this long (used stale meanwhile when the provider is down) */
  jwtJwksCacheMs: number;
  /** requests per user per minute across replicas; 0 = off */
  userRateLimitPerMinute: number;
  adminApiKeys: readonly string[];
  ingestQueueThreshold: number;
  maxBatchItems: number;
  maxJobPayloadBytes: number;
  reaperStaleAfterSeconds: number;
  softDeleteRetentionDays: number;
  /** finished idempotency records (completed/failed requests) are deleted this long after their last change */
  idempotencyRetentionDays: number;
  /** processed outbox events are deleted this long after processing (pending and dead ones never) */
  outboxRetentionDays: number;
  /** `start:worker` serves GET /metrics on this port; null = off (the API serves /metrics on PORT) */
  metricsPort: number | null;
  enableDocs: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  migrateOnStart: boolean;
  workerConcurrency: number;
  /** uploads in progress per API process before more are answered 503 SERVER_BUSY */
  maxInflightUploads: number;
  /** webhook URLs may resolve to loopback/private/link-local addresses (CONTRACT §1) */
  webhookAllowPrivate: boolean;
  /** seals webhook secrets at rest (AES-256-GCM under its SHA-256) */
  webhookSecretKey: string;
  /** delays (ms) after the 1st, 2nd, … failed attempt of a delivery; null: CONTRACT §11's (domain/webhook-retry.ts) */
  webhookRetryScheduleMs: readonly number[] | null;
  /** webhook requests in flight per delivery worker process, and per endpoint within it */
  webhookConcurrency: number;
  webhookEndpointConcurrency: number;
  /** finished webhook deliveries (and their attempts) are deleted this long after they finished */
  webhookRetentionDays: number;
  /** an erasure's runner renews its lease this often × 3; a runner that died is taken over once it ran out */
  erasureLeaseSeconds: number;
  /** cap on one uploaded import file, decoded bytes (CONTRACT §9); a zip may expand to 20 × this */
  maxImportBytes: number;
  /** one job slice of an import runs at most this long, then yields to a follow-up job */
  importSliceSeconds: number;
  /** a worker's lease on an import: a killed worker's import is taken over this long after its last beat */
  importLeaseSeconds: number;
  nodeEnv: string;
}

export const DEVELOPMENT_JWT_SECRET = 'health-ingest-development-secret-do-not-use-in-production';
export const DEVELOPMENT_WEBHOOK_SECRET_KEY = 'health-ingest-development-webhook-key-do-not-use-in-production';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      problems.push(`${name} must be an integer, got "${raw}"`);
      return fallback;
    }
    const value = Number(raw.trim());
    if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${env[name]}"`);
    return fallback;
  };
  const url = (name: string, fallback: string, protocols: string[]): string => {
    const raw = env[name] || fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const jwtSecret = env.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  // keys fetched in the clear could be swapped on the way: https in production
  const jwtJwksUrl = env.JWT_JWKS_URL?.trim()
    ? url('JWT_JWKS_URL', '', nodeEnv === 'production' ? ['https:'] : ['https:', 'http:'])
    : null;
  // with an identity provider the secret signs nothing
  if (nodeEnv === 'production' && jwtSecret === DEVELOPMENT_JWT_SECRET && jwtJwksUrl === null) {
    problems.push('JWT_SECRET must be set when NODE_ENV=production (the development secret is refused), or JWT_JWKS_URL');
  }
  const jwtSubjects = (env.JWT_SUBJECTS?.trim() || 'uuid').toLowerCase();
  if (jwtSubjects !== 'uuid' && jwtSubjects !== 'derived') problems.push(`JWT_SUBJECTS must be uuid or derived, got "${env.JWT_SUBJECTS}"`);
  if (jwtSecret.length < 16) problems.push('JWT_SECRET must be at least 16 characters');

  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const webhookSecretKey = env.WEBHOOK_SECRET_KEY || DEVELOPMENT_WEBHOOK_SECRET_KEY;
  if (nodeEnv === 'production' && webhookSecretKey === DEVELOPMENT_WEBHOOK_SECRET_KEY) {
    problems.push('WEBHOOK_SECRET_KEY must be set when NODE_ENV=production (the development key is refused)');
  }
  if (webhookSecretKey.length < 32) problems.push('WEBHOOK_SECRET_KEY must be at least 32 characters');
  // for tests and chaos runs: the contract's schedule takes a day
  const retryText = env.WEBHOOK_RETRY_SCHEDULE_SECONDS?.trim() ?? '';
  const retryParts = retryText.split(',').map((part) => part.trim());
  const webhookRetryScheduleMs =
    retryText === '' ? null : Object.freeze(retryParts.map((part) => Math.round(Number(part) * 1000)));
  if (webhookRetryScheduleMs && (retryParts.length > 50 || retryParts.some((part) => !/^\d{1,7}(\.\d{1,3})?$/.test(part)))) {
    problems.push(`WEBHOOK_RETRY_SCHEDULE_SECONDS must be a comma-separated list of seconds, got "${retryText}"`);
  }

  const maxBatchItems = int('MAX_BATCH_ITEMS', 500, 1, 100_000);
  const config: Config = {
    port: int('PORT', 3000, 0, 65_535),
    databaseUrl: url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/health_ingest', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    jwtSecret,
    jwtJwksUrl,
    jwtIssuer: env.JWT_ISSUER?.trim() || null,
    jwtAudience: env.JWT_AUDIENCE?.trim() || null,
    jwtSubjects: jwtSubjects === 'derived' ? 'derived' : 'uuid',
    jwtJwksCooldownMs: int('JWT_JWKS_COOLDOWN_SECONDS', 30, 0, 24 * 3600) * 1000,
    jwtJwksCacheMs: int('JWT_JWKS_CACHE_SECONDS', 600, 1, 7 * 24 * 3600) * 1000,
    userRateLimitPerMinute: int('USER_RATE_LIMIT_PER_MINUTE', 6000, 0, 10_000_000),
    adminApiKeys: (env.ADMIN_API_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
    ingestQueueThreshold: int('INGEST_QUEUE_THRESHOLD', 400, 1, 1_000_000),
    maxBatchItems,
    maxJobPayloadBytes: int('MAX_JOB_PAYLOAD_BYTES', 5_242_880, 1024, 512 * 1024 * 1024),
    reaperStaleAfterSeconds: int('REAPER_STALE_AFTER_SECONDS', 300, 1, 7 * 24 * 3600),
    softDeleteRetentionDays: int('SOFT_DELETE_RETENTION_DAYS', 30, 0, 3650),
    idempotencyRetentionDays: int('IDEMPOTENCY_RETENTION_DAYS', 7, 1, 3650),
    outboxRetentionDays: int('OUTBOX_RETENTION_DAYS', 7, 0, 3650),
    metricsPort: env.METRICS_PORT ? int('METRICS_PORT', 0, 1, 65_535) : null,
    enableDocs: bool('ENABLE_DOCS', nodeEnv !== 'production'),
    logLevel: (LOG_LEVELS as readonly string[]).includes(logLevel) ? (logLevel as Config['logLevel']) : 'info',
    migrateOnStart: bool('MIGRATE_ON_START', true),
    workerConcurrency: int('WORKER_CONCURRENCY', 4, 1, 256),
    maxInflightUploads: int('MAX_INFLIGHT_UPLOADS', 192, 1, 100_000),
    webhookAllowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false),
    webhookSecretKey,
    webhookRetryScheduleMs,
    webhookConcurrency: int('WEBHOOK_CONCURRENCY', 32, 1, 1024),
    webhookEndpointConcurrency: int('WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1, 1024),
    webhookRetentionDays: int('WEBHOOK_RETENTION_DAYS', 30, 1, 3650),
    erasureLeaseSeconds: int('ERASURE_LEASE_SECONDS', 30, 1, 3600),
    maxImportBytes: int('MAX_IMPORT_BYTES', 1_073_741_824, 1024, 64 * 1_073_741_824),
    importSliceSeconds: int('IMPORT_SLICE_SECONDS', 120, 1, 24 * 3600),
    importLeaseSeconds: int('IMPORT_LEASE_SECONDS', 30, 2, 3600),
    nodeEnv,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
