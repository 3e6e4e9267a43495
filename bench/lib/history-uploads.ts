// The outbox-lag load (also the webhook bench's): each client's user uploads the next `batch`
// minutes of their own history per request, from 2012 on (1–2 local dates per metric), so a long
// run never reaches the future and every upload changes rows.
import { uploadBody } from './sample-bodies.ts';

/** One upload of client `client`'s next window; throws on anything but 200. */
export function historyUploader(baseUrl: () => string, userTokens: readonly string[], batch: number): (client: number) => Promise<void> {
  const nextWindow = userTokens.map(() => 0);
  return async (client) => {
    const body = uploadBody(batch, Date.UTC(2012, 0, 1) + nextWindow[client]!++ * batch * 60_000);
    const response = await fetch(`${baseUrl()}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userTokens[client]}`, 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`unexpected ${response.status}`);
  };
}
