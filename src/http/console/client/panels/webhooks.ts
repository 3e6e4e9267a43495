// Webhook endpoints, the failing ones first with their latest failed deliveries, from
// GET /admin/webhooks and GET /admin/webhooks/{id}/deliveries?status=failed (CONTRACT §11). A
// server without webhooks says so in GET /admin/console/features, and the panel says so.
import type { ConsoleFeaturesBodyT, WebhookDeliveryView, WebhookEndpointView } from '../../../../domain/operations/console-schema.ts';
import type { Api } from '../api.ts';
import { h, panelBody, replaceChildren, setText, syncKeyed } from '../dom.ts';
import { formatRelative } from '../format.ts';
import { errorLine, rethrowUnauthorized, type Panel } from './panel.ts';

const FAILED_SHOWN = 3;
/** endpoints whose failed deliveries are fetched per refresh (the rest show their state only) */
const DETAILED_ENDPOINTS = 10;

interface EndpointState {
  endpoint: WebhookEndpointView;
  failed: WebhookDeliveryView[];
}

const isFailing = (endpoint: WebhookEndpointView) => endpoint.disabled || endpoint.failingSince !== null;

export function webhooksPanel(features: ConsoleFeaturesBodyT): Panel {
  const body = panelBody('webhooks');
  const errors = errorLine(body);
  const list = h('ul', { class: 'endpoints', 'aria-label': 'webhook endpoints, failing ones first' });
  const empty = h('p', { class: 'empty' });
  body.append(list, empty);

  const create = () =>
    h('li', {}, h('div', { class: 'endpoint-head' }, h('span', { class: 'endpoint-url' }), h('span', { class: 'badge' })), h('ul', { class: 'deliveries' }));
  const update = (element: HTMLLIElement, { endpoint, failed }: EndpointState) => {
    setText(element.querySelector('.endpoint-url')!, endpoint.description ? `${endpoint.url} — ${endpoint.description}` : endpoint.url);
    const badge = element.querySelector('.badge')!;
    const state = endpoint.disabled ? 'disabled' : endpoint.failingSince ? 'failing' : 'healthy';
    badge.className = `badge ${state}`;
    setText(
      badge,
      endpoint.disabled
        ? `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`
        : endpoint.failingSince
          ? `failing since ${formatRelative(endpoint.failingSince).replace(' ago', '')}`
          : 'healthy',
    );
    replaceChildren(
      element.querySelector('.deliveries')!,
      ...failed.slice(0, FAILED_SHOWN).map((delivery) => {
        const last = delivery.attemptLog[0];
        const reason = last ? (last.statusCode !== null ? `HTTP ${last.statusCode}` : (last.error ?? 'error')) : 'no attempt';
        return h('li', {}, `${delivery.eventType}: ${reason} after ${delivery.attempts} attempts, ${formatRelative(last?.attemptedAt ?? delivery.createdAt)}`);
      }),
    );
  };

  return {
    async refresh(api: Api) {
      if (!features.webhooks) {
        empty.hidden = false;
        setText(empty, 'This server has no webhooks yet.');
        return;
      }
      try {
        const { items } = await api.get<{ items: WebhookEndpointView[] }>('/admin/webhooks');
        const ordered = [...items].sort((a, b) => Number(isFailing(b)) - Number(isFailing(a)));
        const states: EndpointState[] = await Promise.all(
          ordered.map(async (endpoint, i) => ({
            endpoint,
            failed:
              isFailing(endpoint) && i < DETAILED_ENDPOINTS
                ? (await api.get<{ items: WebhookDeliveryView[] }>(`/admin/webhooks/${encodeURIComponent(endpoint.id)}/deliveries?status=failed&limit=${FAILED_SHOWN}`)).items
                : [],
          })),
        );
        errors.clear();
        syncKeyed(list, states, (state) => state.endpoint.id, create, update);
        empty.hidden = items.length > 0;
        setText(empty, 'No webhook endpoint is registered.');
      } catch (error) {
        rethrowUnauthorized(error);
        errors.show(error);
      }
    },
  };
}
