// Wire shapes of the webhook admin API (CONTRACT §11) as TypeBox schemas: request bodies (checked
// by the routes), responses (declared for /docs), and the rules a registration must meet beyond
// its shape (URL, event list). Types are derived from the schemas.
import { Type, type Static } from '@sinclair/typebox';
import type { FieldError } from '../problems.ts';
import { WEBHOOK_EVENT_TYPES } from './events.ts';

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 500;
/** longest overlap a rotation may ask for, and the default (Standard Webhooks' practice: a day) */
export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 3600;
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600;

const EventType = Type.Union([Type.Literal(WEBHOOK_EVENT_TYPES[0]), Type.Literal(WEBHOOK_EVENT_TYPES[1]), Type.Literal(WEBHOOK_EVENT_TYPES[2])]);
const EventList = Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true });
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, description: 'http(s) URL; public addresses only unless WEBHOOK_ALLOW_PRIVATE=true' }),
    events: EventList,
    description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION_LENGTH })),
  },
  { additionalProperties: false },
);
export type CreateEndpointBodyT = Static<typeof CreateEndpointBody>;

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH })),
    events: Type.Optional(EventList),
    description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION_LENGTH })),
    disabled: Type.Optional(Type.Boolean({ description: 'false re-enables an endpoint (also one disabled for failing) and retries its pending deliveries at once' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateEndpointBodyT = Static<typeof UpdateEndpointBody>;

export const RotateSecretBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_ROTATION_OVERLAP_SECONDS, description: `how long the previous secret keeps signing too (default ${DEFAULT_ROTATION_OVERLAP_SECONDS})` }),
    ),
  },
  { additionalProperties: false },
);
export type RotateSecretBodyT = Static<typeof RotateSecretBody>;

export const ReplayBody = Type.Object({ since: DateTime }, { additionalProperties: false });
export type ReplayBodyT = Static<typeof ReplayBody>;

export const EndpointBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Type.String(),
  disabled: Type.Boolean(),
  /** 'failing': disabled after failing for 5 days; 'manual': by PATCH */
  disabledReason: Type.Union([Type.Literal('manual'), Type.Literal('failing'), Type.Null()]),
  disabledAt: NullableDateTime,
  /** the first failed attempt since the last successful one */
  failingSince: NullableDateTime,
  /** while a rotation's overlap lasts, the previous secret signs too */
  previousSecretValidUntil: NullableDateTime,
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type EndpointBodyT = Static<typeof EndpointBody>;

export const CreatedEndpointBody = Type.Composite([EndpointBody, Type.Object({ secret: Type.String({ description: 'whsec_…: shown only here' }) })]);
export type CreatedEndpointBodyT = Static<typeof CreatedEndpointBody>;

export const EndpointListBody = Type.Object({ items: Type.Array(EndpointBody) });

export const RotatedSecretBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  secret: Type.String({ description: 'the new whsec_… secret: shown only here' }),
  previousSecretValidUntil: DateTime,
});

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const AttemptBody = Type.Object({
  attemptedAt: DateTime,
  durationMs: Type.Integer({ minimum: 0 }),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

export const DeliveryBody = Type.Object({
  id: Type.String({ description: 'the delivery' }),
  /** the outbox event's id (null for test messages) */
  eventId: Type.Union([Type.String(), Type.Null()]),
  /** the webhook-id header: the same for every retry and replay */
  messageId: Type.String(),
  eventType: Type.String(),
  userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  seq: Type.Integer(),
  eventAt: DateTime,
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer({ minimum: 0 }),
  nextAttemptAt: NullableDateTime,
  deliveredAt: NullableDateTime,
  createdAt: DateTime,
  /** the latest attempts, newest first (at most 10) */
  attemptLog: Type.Array(AttemptBody),
});
export type DeliveryBodyT = Static<typeof DeliveryBody>;

export const DeliveryListBody = Type.Object({ items: Type.Array(DeliveryBody), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type DeliveryListBodyT = Static<typeof DeliveryListBody>;

export const ReplayedBody = Type.Object({ replayed: Type.Integer({ minimum: 0 }) });
export const TestSentBody = Type.Object({ messageId: Type.String() });

/** Errors of a webhook URL beyond its shape: http(s), a host, no credentials or fragment. */
export function webhookUrlErrors(text: string, path = '/body/url'): FieldError[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ path, message: 'must be an absolute URL' }];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [{ path, message: 'must be an http or https URL' }];
  if (url.hostname === '') return [{ path, message: 'must name a host' }];
  if (url.username !== '' || url.password !== '') return [{ path, message: 'must not carry credentials (the signature authenticates the sender)' }];
  if (url.hash !== '') return [{ path, message: 'must not have a fragment' }];
  return [];
}
