import { createUserTokens } from '../src/auth/user-tokens.ts';
import { validateBatchBody } from '../src/domain/batch-schema.ts';
import { computePayloadHash } from '../src/domain/payload-hash.ts';
import { uploadBody } from './lib/sample-bodies.ts';
const tokens = createUserTokens('health-ingest-development-secret-do-not-use-in-production');
const token = await tokens.sign(crypto.randomUUID(), 3600);
const time = async (name: string, n: number, f: () => unknown) => { for (let i=0;i<50;i++) await f(); const t0=performance.now(); for (let i=0;i<n;i++) await f(); console.log(name, ((performance.now()-t0)/n*1000).toFixed(1), 'µs'); };
await time('jwt verify', 2000, () => tokens.verify(token));
for (const size of [50, 399]) {
  const text = uploadBody(size);
  const json = JSON.parse(text);
  await time(`parse ${size}`, 500, () => JSON.parse(text));
  await time(`validate ${size}`, 500, () => validateBatchBody(json, 500));
  await time(`hash ${size}`, 500, () => computePayloadHash(json.samples, []));
}
