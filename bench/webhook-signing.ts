// Question: sign webhooks with our own HMAC (domain/webhook-signature.ts) or with the
// `standardwebhooks` package? Both must give the same signature; which signs more per second?
//
// Load shape: one typical health.samples.changed body (~240 bytes: 3 metrics, 2 local dates), a
// 32-byte secret, one message id; each implementation signs it in a loop for --ms (default 1000)
// after a warm-up, in this process. Compared: ours (Bun.CryptoHasher HMAC), node:crypto createHmac,
// WebCrypto (crypto.subtle.sign with an imported key, awaited one at a time), standardwebhooks
// (Webhook.sign: HMAC in pure JS, fast-sha256).
// Gates: every implementation gives our signature; ours signs at least as fast as the package.
//
// Usage: bun run bench/webhook-signing.ts [--json] [--ms N]
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { webhookBody } from '../src/domain/webhooks/events.ts';
import { formatSecret, secretKey, signatureHeader } from '../src/domain/webhooks/signature.ts';
import { flag, numberOption } from './lib/args.ts';
import { machineLine } from './lib/machine.ts';
import { printTable } from './lib/stats.ts';

const asJson = flag('--json');
const MS = numberOption('--ms', 1000);

const secret = formatSecret(new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff));
const key = secretKey(secret)!;
const id = 'msg_123456';
const timestamp = 1_780_000_000;
const body = webhookBody('health.samples.changed', new Date(Date.UTC(2026, 10, 20, 7, 15)), {
  userId: '8b0f1a52-5d0e-4e47-9a55-0c9f1d2e7b61',
  metricCodes: ['heart_rate', 'steps', 'active_energy'],
  affectedLocalDates: ['2026-11-19', '2026-11-20'],
  minRequiredSeq: 4242,
});
const subtleKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const packaged = new Webhook(secret);
const content = `${id}.${timestamp}.${body}`;
const encoded = new TextEncoder();

const implementations: [string, () => string | Promise<string>][] = [
  ['ours (Bun.CryptoHasher HMAC)', () => signatureHeader([key], id, timestamp, body)],
  ['node:crypto createHmac', () => `v1,${createHmac('sha256', key).update(content).digest('base64')}`],
  ['WebCrypto subtle.sign', async () => `v1,${Buffer.from(await crypto.subtle.sign('HMAC', subtleKey, encoded.encode(content))).toString('base64')}`],
  ['standardwebhooks Webhook.sign', () => packaged.sign(id, new Date(timestamp * 1000), body)],
];

const expected = signatureHeader([key], id, timestamp, body);
const results: { name: string; perSecond: number; microseconds: number; same: boolean }[] = [];
for (const [name, sign] of implementations) {
  const same = (await sign()) === expected;
  for (let i = 0; i < 2000; i++) await sign(); // warm-up
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < MS) {
    for (let i = 0; i < 100; i++) await sign();
    n += 100;
  }
  const seconds = (performance.now() - started) / 1000;
  results.push({ name, perSecond: n / seconds, microseconds: (seconds * 1e6) / n, same });
}

const ours = results[0]!.perSecond;
const pkg = results.find((r) => r.name.startsWith('standardwebhooks'))!.perSecond;
const gates = {
  sameSignature: { value: results.filter((r) => r.same).length, goal: `${results.length} of ${results.length}`, pass: results.every((r) => r.same) },
  oursVsPackage: { value: ours / pkg, goal: '≥ 1 (ours / standardwebhooks)', pass: ours >= pkg },
};

if (asJson) {
  console.log(JSON.stringify({ machine: machineLine(), bodyBytes: body.length, results, gates }, null, 2));
} else {
  console.log(machineLine());
  console.log(`one ${body.length}-byte body, 32-byte secret, ${MS} ms per implementation, this process\n`);
  printTable(
    ['implementation', 'signatures/s', 'µs each', '× standardwebhooks', 'same signature'],
    results.map((r) => [r.name, r.perSecond, r.microseconds.toFixed(2), (r.perSecond / pkg).toFixed(1), r.same ? 'yes' : 'NO']),
  );
  console.log('');
  printTable(['gate', 'measured', 'goal', 'result'], Object.entries(gates).map(([name, g]) => [name, g.value, g.goal, g.pass ? 'pass' : 'FAIL']));
}
process.exit(Object.values(gates).every((g) => g.pass) ? 0 : 1);
