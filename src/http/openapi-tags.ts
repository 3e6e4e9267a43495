// The tags of the OpenAPI document, each described (redocly's tag-description rule); a route's
// `detail.tags` names one of these.
export const OPENAPI_TAGS = [
  { name: 'ingest', description: 'Uploading samples and deletions, and the status of an upload' },
  { name: 'samples', description: "Reading a user's stored samples" },
  { name: 'summaries', description: 'Daily summaries computed from the samples' },
  { name: 'catalog', description: 'The metrics the service knows, their units and rules' },
  { name: 'privacy', description: "A user's privacy settings (sync on/off, blocked metrics)" },
  { name: 'operations', description: 'Liveness, readiness and Prometheus metrics' },
  { name: 'admin', description: 'Operator endpoints (X-Api-Key): jobs, queues, outbox, console' },
  { name: 'webhooks', description: 'Webhook endpoints and their deliveries (X-Api-Key)' },
];
