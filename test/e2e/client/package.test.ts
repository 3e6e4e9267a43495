// `import { HealthIngestClient, payloadHash, HealthIngestError } from "health-ingest/client"`
// from another package, as an app would (CONTRACT §12): through package.json `exports`, in Bun
// (the TypeScript source) and in Node 20 (the browser-target bundle of `bun run build:client`),
// each uploading to and reading from the real service and checking the published vectors; and
// in an app's TypeScript (NodeNext, no skipLibCheck), typed by the declarations of that build.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HASH_VECTORS_PATH } from '../../support/hash-vectors.ts';
import { startTestService, type TestService } from '../../support/service.ts';

const ROOT = resolve(import.meta.dir, '../../..');
const packageJson = JSON.parse(await Bun.file(join(ROOT, 'package.json')).text());

/** What a consuming app runs: the same text as TypeScript (Bun) and as JavaScript (Node). */
const CONSUMER = `
import { readFileSync } from 'node:fs';
import { HealthIngestClient, HealthIngestError, payloadHash } from 'health-ingest/client';

const client = new HealthIngestClient({ baseUrl: process.env.BASE_URL, token: process.env.TOKEN });
const samples = Array.from({ length: 450 }, (_, i) => ({
  sourceId: 'com.example.app', sourceRecordId: 'pkg-' + i, metricCode: 'heart_rate', valueKind: 'SCALAR_NUM',
  value: 60 + (i % 30), unit: 'count/min', startAt: new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString(),
}));
const uploaded = await client.upload({ samples });
let read = 0;
for await (const _item of client.samples({ pageSize: 200 })) read++;
const { vectors } = JSON.parse(readFileSync(process.env.VECTORS, 'utf8'));
let vectorsMatching = 0;
for (const vector of vectors) if ((await payloadHash(vector.samples, vector.deleted)) === vector.payloadHash) vectorsMatching++;
const refused = await new HealthIngestClient({ baseUrl: process.env.BASE_URL, token: 'bad' }).privacySettings.get().catch((e) => e);
console.log(JSON.stringify({
  runtime: typeof Bun === 'undefined' ? 'node ' + process.version : 'bun',
  accepted: uploaded.accepted, batches: uploaded.batches, read, vectorsMatching, vectors: vectors.length,
  refused: refused instanceof HealthIngestError ? refused.code : String(refused),
}));
`;

let service: TestService;
let dir: string;

beforeAll(async () => {
  service = await startTestService();
  dir = mkdtempSync(join(tmpdir(), 'hi-sdk-consumer-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await service.close();
});

async function runConsumer(argv: string[], cwd: string, userId: string) {
  const child = Bun.spawn(argv, {
    cwd,
    env: { PATH: process.env.PATH ?? '', BASE_URL: service.baseUrl, TOKEN: await service.token(userId), VECTORS: HASH_VECTORS_PATH },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

function consumerPackage(name: string): string {
  const app = join(dir, name);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true, type: 'module', dependencies: { 'health-ingest': `file:${ROOT}` } }));
  return app;
}

describe('health-ingest/client as a dependency', () => {
  test('Bun resolves it through package.json exports to the TypeScript source', async () => {
    const app = consumerPackage('bun-app');
    symlinkSync(ROOT, join(app, 'node_modules/health-ingest'), 'dir'); // what a file: dependency installs
    writeFileSync(join(app, 'app.ts'), CONSUMER);
    const userId = crypto.randomUUID();
    const out = await runConsumer([process.execPath, 'app.ts'], app, userId);
    expect(out).toEqual({ runtime: 'bun', accepted: 450, batches: 2, read: 450, vectorsMatching: out.vectors, vectors: expect.any(Number), refused: 'UNAUTHORIZED' });
    expect(out.vectors).toBeGreaterThan(15);
  });

  test('Node 20 runs the bundle the exports name for it, with no Bun or Node API inside', async () => {
    const app = consumerPackage('node-app');
    const installed = packedCopy(app);
    const bundle = await Bun.file(join(installed, 'dist/client/index.js')).text();
    expect(bundle).not.toMatch(/\bBun\.|\bBuffer\b|\bprocess\.|from ['"]node:/);
    writeFileSync(join(app, 'app.mjs'), CONSUMER);

    const out = await runConsumer(['node', 'app.mjs'], app, crypto.randomUUID());
    expect(out.runtime).toMatch(/^node v(2\d|[3-9]\d)\./);
    expect(out).toMatchObject({ accepted: 450, batches: 2, read: 450, refused: 'UNAUTHORIZED' });
    expect(out.vectorsMatching).toBe(out.vectors);
  });

  test('an app\'s TypeScript is typed by the declarations, and a wrong call does not compile', async () => {
    const app = consumerPackage('ts-app');
    packedCopy(app);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false },
      include: ['app.ts'],
    }));
    const call = (valueKind: string) => `
      import { HealthIngestClient, HealthIngestError, payloadHash, type UploadResult } from 'health-ingest/client';
      const client = new HealthIngestClient({ baseUrl: 'https://health.example', getToken: async () => 'token' });
      const result: UploadResult = await client.upload({ samples: [{ sourceId: 'a', sourceRecordId: 'b', metricCode: 'heart_rate', valueKind: '${valueKind}', value: 60, unit: 'bpm', startAt: new Date() }] });
      const failure: HealthIngestError | undefined = undefined;
      console.log(result.failed[0]?.index, await payloadHash([]), failure);
    `;
    const typecheck = () => Bun.spawnSync([join(ROOT, 'node_modules/.bin/tsc'), '-p', app], { stdout: 'pipe' });
    writeFileSync(join(app, 'app.ts'), call('SCALAR_NUM'));
    const good = typecheck();
    expect(good.stdout.toString()).toBe('');
    expect(good.exitCode).toBe(0);
    writeFileSync(join(app, 'app.ts'), call('SCALAR'));
    const bad = typecheck();
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout.toString()).toContain("'\"SCALAR\"' is not assignable to type 'ValueKind'");
  });
});

/**
 * What installing a packed health-ingest puts in an app's node_modules: package.json, the
 * sources and dist/, built by `bun run build:client` (the `prepack` step) in a folder of its own
 * (tsc emits nothing for files under node_modules), then copied in as an install would.
 */
function packedCopy(app: string): string {
  const packed = join(dir, 'packed');
  if (!existsSync(join(packed, 'dist'))) {
    mkdirSync(packed, { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(packed, file));
    for (const folder of ['src']) cpSync(join(ROOT, folder), join(packed, folder), { recursive: true });
    expect(packageJson.scripts.prepack).toBe('bun run build:client');
    const build = Bun.spawnSync([process.execPath, 'run', 'build:client'], {
      cwd: packed,
      env: { PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    if (build.exitCode !== 0) throw new Error(`build:client failed: ${build.stderr.toString()}${build.stdout.toString()}`);
  }
  const installed = join(app, 'node_modules/health-ingest');
  cpSync(packed, installed, { recursive: true });
  return installed;
}
