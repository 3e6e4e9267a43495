// The OpenAPI tools the tests run on the generated document: redocly lint, and openapi-typescript.
// openapi-typescript needs TypeScript 5's compiler API and the project's TypeScript is 7 (whose
// package has none), so it runs from a folder where `typescript` is the typescript5 alias:
// symlinks under node_modules/.cache, resolved as linked (node --preserve-symlinks), its other
// dependencies found further up in the project's node_modules.
import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..', '..');
const MODULES = join(ROOT, 'node_modules');

async function run(command: string[], cwd = ROOT): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(command, { cwd, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/** redocly lint (its recommended rules) on a document file: exit code and every problem. */
export async function redoclyLint(specFile: string): Promise<{ exitCode: number; problems: LintProblem[]; output: string }> {
  const result = await run([join(MODULES, '.bin', 'redocly'), 'lint', specFile, '--format=json']);
  const start = result.stdout.indexOf('{');
  const report = start >= 0 ? (JSON.parse(result.stdout.slice(start)) as { problems: LintProblem[] }) : { problems: [] };
  return { exitCode: result.exitCode, problems: report.problems, output: result.stdout + result.stderr };
}

/** openapi-typescript's types for a document file, written to `outFile`. */
export async function openapiTypescript(specFile: string, outFile: string): Promise<void> {
  const linked = join(MODULES, '.cache', 'openapi-typescript-ts5', 'node_modules');
  mkdirSync(linked, { recursive: true });
  for (const [name, target] of [
    ['openapi-typescript', join(MODULES, 'openapi-typescript')],
    ['typescript', join(MODULES, 'typescript5')],
  ] as const) {
    if (!existsSync(join(linked, name))) symlinkSync(target, join(linked, name), 'dir');
  }
  const result = await run(['node', '--preserve-symlinks', '--preserve-symlinks-main', join(linked, 'openapi-typescript', 'bin', 'cli.js'), specFile, '-o', outFile]);
  if (result.exitCode !== 0) throw new Error(`openapi-typescript failed: ${result.stderr || result.stdout}`);
}

/** The project's tsc (strict) on files of a folder with its own tsconfig. */
export async function typecheckFolder(folder: string): Promise<{ exitCode: number; output: string }> {
  await Bun.write(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2022', 'dom'],
        types: [],
        skipLibCheck: true,
        allowImportingTsExtensions: true,
      },
      include: ['*.ts'],
    }),
  );
  const result = await run([join(MODULES, '.bin', 'tsc'), '-p', join(folder, 'tsconfig.json')], folder);
  return { exitCode: result.exitCode, output: result.stdout + result.stderr };
}
