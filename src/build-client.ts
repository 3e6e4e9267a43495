// `bun run build:client`: health-ingest/client for everything that is not Bun (which runs the
// TypeScript source): one ESM bundle for browsers, Node ≥ 20 and React Native bundlers
// (dist/client/index.js) and declarations for apps' TypeScript (dist/client/types/). `prepack`
// runs it, so a packed package carries both.
//
// tsc writes declarations with the source's `.ts` import extensions (microsoft/TypeScript#61037:
// rewriteRelativeImportExtensions leaves .d.ts files alone), which TypeScript does not resolve
// inside node_modules; they are rewritten to `.js` here, the form every resolution mode reads.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'dist/client';
rmSync(OUT, { recursive: true, force: true });

const bundle = await Bun.build({ entrypoints: ['src/client/index.ts'], outdir: OUT, target: 'browser', format: 'esm' });
if (!bundle.success) {
  for (const message of bundle.logs) console.error(message);
  process.exit(1);
}

// the client's own compiler options (browser lib, no Bun types), as flags: the top level holds
// one tsconfig
const declarations = Bun.spawnSync(
  [
    'tsc', '--ignoreConfig', 'src/client/index.ts',
    '--declaration', '--emitDeclarationOnly', '--rootDir', 'src', '--outDir', `${OUT}/types`,
    '--target', 'ESNext', '--module', 'ESNext', '--moduleResolution', 'bundler', '--lib', 'ES2022,DOM',
    '--types', '', '--strict', '--skipLibCheck', '--allowImportingTsExtensions', '--resolveJsonModule',
    '--verbatimModuleSyntax',
  ],
  { stdout: 'inherit', stderr: 'inherit' },
);
if (declarations.exitCode !== 0) process.exit(declarations.exitCode ?? 1);

const RELATIVE_TS = /(from\s+['"]\.{1,2}\/[^'"]*)\.ts(['"])/g;
for (const entry of readdirSync(join(OUT, 'types'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  writeFileSync(file, readFileSync(file, 'utf8').replace(RELATIVE_TS, '$1.js$2'));
}
console.log(`built ${OUT}/index.js and ${OUT}/types/`);
