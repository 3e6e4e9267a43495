// The SDK runs on fetch and WebCrypto alone (CONTRACT §12: Bun, Node ≥ 20, browsers, React
// Native). Every file it loads — src/client/ and the domain files those import, followed through
// their value imports (type-only imports are erased) — is scanned for what only Node or Bun has.
import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dir, '../../..');
const CLIENT = join(ROOT, 'src/client');

const FORBIDDEN: Array<[string, RegExp]> = [
  ['Buffer', /\bBuffer\b/],
  ['Bun.', /\bBun\./],
  ['process.', /\bprocess\./],
  ['a node: import', /['"]node:/],
  ['require()', /\brequire\s*\(/],
  ['import.meta', /\bimport\.meta\b/], // Metro (React Native) has none
];

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

/** Specifiers of the imports and re-exports that load code (not `import type` / `export type`). */
function valueImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    if (match[2]) continue;
    specifiers.push(match[4]!);
  }
  for (const match of source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) specifiers.push(match[1]!);
  for (const match of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

/** Every file loaded from the entry files, and what in each is not portable. */
function scan(entries: string[]): { files: string[]; problems: string[] } {
  const seen = new Set<string>();
  const problems: string[] = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = withoutComments(readFileSync(file, 'utf8'));
    for (const [what, pattern] of FORBIDDEN) if (pattern.test(code)) problems.push(`${relative(ROOT, file)} uses ${what}`);
    for (const specifier of valueImports(code)) {
      if (!specifier.startsWith('.')) {
        problems.push(`${relative(ROOT, file)} imports the package "${specifier}"`);
        continue;
      }
      const target = resolve(dirname(file), specifier);
      if (!target.endsWith('.ts')) continue; // JSON data
      queue.push(target);
    }
  }
  return { files: [...seen].map((file) => relative(ROOT, file)).sort(), problems };
}

const clientFiles = readdirSync(CLIENT).filter((name) => name.endsWith('.ts')).map((name) => join(CLIENT, name));

describe('the SDK is portable', () => {
  test('no file it loads uses Buffer, Bun., process., node: imports, require or import.meta, nor any package', () => {
    const { files, problems } = scan(clientFiles);
    expect(problems).toEqual([]);
    // it does load the shared canonicalizer, so that domain file is held to the rule too
    expect(files.some((file) => file.startsWith('src/domain/') && file.endsWith('/canonical-json.ts'))).toBe(true);
  });

  test('the scan finds such uses (the service\'s own hash uses Bun\'s hasher and Buffer)', () => {
    const { problems } = scan([join(ROOT, 'src/domain/ingest/payload-hash.ts')]);
    expect(problems).toContain('src/domain/ingest/payload-hash.ts uses Buffer');
    expect(problems).toContain('src/domain/ingest/payload-hash.ts uses Bun.');
    expect(scan([join(ROOT, 'src/domain/ingest/upload-schema.ts')]).problems).toContain('src/domain/ingest/upload-schema.ts imports the package "@sinclair/typebox"');
  });
});
