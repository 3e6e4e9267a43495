// The console's static assets: the page, its stylesheet and icon as they are on disk, and its
// script bundled from client/ by Bun.build — in this process, on the first request for one of
// them, then kept (a few ms of build once per process; tests that never open the console pay
// nothing, and no build output is committed that could fall out of step with its source). The
// assets carry no data: everything the page shows comes from the admin JSON endpoints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = import.meta.dir;

export interface ConsoleAsset {
  body: string;
  contentType: string;
  /** a strong ETag: the content's hash */
  etag: string;
}

export type ConsoleAssetName = 'page' | 'script' | 'style' | 'icon';

const etagOf = (body: string) => `"${new Bun.CryptoHasher('sha256').update(body).digest('base64url').slice(0, 22)}"`;
const asset = (body: string, contentType: string): ConsoleAsset => ({ body, contentType, etag: etagOf(body) });

async function buildScript(): Promise<string> {
  const result = await Bun.build({
    entrypoints: [join(DIR, 'client', 'main.ts')],
    target: 'browser',
    format: 'esm',
    minify: true,
    sourcemap: 'none',
  });
  if (!result.success || result.outputs.length !== 1) {
    throw new Error(`the console's script did not build: ${result.logs.map(String).join('; ')}`);
  }
  return result.outputs[0]!.text();
}

async function load(): Promise<Record<ConsoleAssetName, ConsoleAsset>> {
  const read = (file: string) => readFileSync(join(DIR, file), 'utf8');
  return {
    page: asset(read('page.html'), 'text/html; charset=utf-8'),
    script: asset(await buildScript(), 'text/javascript; charset=utf-8'),
    style: asset(read('console.css'), 'text/css; charset=utf-8'),
    icon: asset(read('icon.svg'), 'image/svg+xml'),
  };
}

let loaded: Promise<Record<ConsoleAssetName, ConsoleAsset>> | null = null;

/** The assets, built once per process (a failed build is retried on the next request). */
export function consoleAssets(): Promise<Record<ConsoleAssetName, ConsoleAsset>> {
  loaded ??= load().catch((error: unknown) => {
    loaded = null;
    throw error;
  });
  return loaded;
}
