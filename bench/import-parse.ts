// Question: does parsing a Health app export keep far ahead of the database (no database here)?
//
// Load shape: an export generated in the current format from the real records of
// ../shared/realdata (bench/lib/apple-health-export.ts), --records N (1,000,000 by default) Records
// and Workouts plus their correlations and summaries, written as export.zip (the Health app's
// layout, data descriptors) and as the bare export.xml. Each is read from disk in the file
// stream's chunks by the apple-health reader, in a child process of its own (so peak RSS is the
// reader's alone), and its items counted by type against what the generator wrote (correctness
// before speed). Two more children split the time: inflating only, and scanning the XML without
// mapping records.
// Gate: full parse ≥ --gate records/s (250,000 by default: 3 × a 40–80k rows/s database ceiling
// on this machine class), for the zip and the XML alike.
//
// Usage: bun run bench/import-parse.ts [--records 1000000] [--seed 1] [--gate 250000] [--json]

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteSource } from '../src/imports/byte-source.ts';
import { ImportFileError } from '../src/imports/format.ts';
import { EXPORT_NAMES } from '../src/imports/formats/apple-health/export-attributes.ts';
import { isExportXml } from '../src/imports/formats/apple-health/export-reader.ts';
import { appleHealthFormat } from '../src/imports/formats/apple-health/index.ts';
import { XmlScanner } from '../src/imports/formats/apple-health/xml-scanner.ts';
import { zipEntryBytes } from '../src/imports/formats/apple-health/zip-entry-stream.ts';
import { writeExportXml, writeExportZip, type ElementCounts } from './lib/apple-health-export.ts';
import { flag, numberOption } from './lib/args.ts';
import { machineLine } from './lib/machine.ts';
import { printTable } from './lib/stats.ts';

type Mode = 'full' | 'inflate-only' | 'scan-only';
interface ChildResult {
  mode: Mode;
  file: string;
  seconds: number;
  items: number;
  counts: ElementCounts;
  maxRssMb: number;
  inputBytes: number;
}

const GIB = 2 ** 30;

// ---- child: one timed read of one file

async function childRun(mode: Mode, file: string): Promise<ChildResult> {
  const started = performance.now();
  const counts: ElementCounts = {};
  let items = 0;
  const chunks = Bun.file(file).stream() as unknown as AsyncIterable<Uint8Array>;
  if (mode === 'full') {
    const kindOf = (code: string) => (code.startsWith('HKCategoryTypeIdentifier') ? 'CATEGORY' : code === 'HKWorkoutTypeIdentifier' ? 'INTERVAL_NUM' : 'SCALAR_NUM') as 'CATEGORY' | 'INTERVAL_NUM' | 'SCALAR_NUM';
    const reader = appleHealthFormat.read(chunks, { kindOf, maxExpandedBytes: 20 * GIB });
    for await (const batch of reader.batches()) {
      for (const item of batch) {
        const key = item.kind === 'sample' ? (item.sample.metricCode === 'HKWorkoutTypeIdentifier' ? 'Workout' : `Record:${item.sample.metricCode}`) : item.kind === 'skipped' ? item.type : `error:${item.message}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      items += batch.length;
    }
  } else {
    const source = new ByteSource(chunks);
    const bytes = file.endsWith('.zip') ? zipEntryBytes(source, isExportXml, 20 * GIB) : plain(source);
    const decoder = new TextDecoder();
    const scanner = new XmlScanner({ open: (_n, _a, _s, depth) => void (depth === 1 && (items += 1)), close: () => {} }, EXPORT_NAMES);
    for await (const piece of bytes) if (mode === 'scan-only') scanner.push(decoder.decode(piece, { stream: true }));
  }
  return {
    mode,
    file,
    seconds: (performance.now() - started) / 1000,
    items,
    counts,
    maxRssMb: peakRssMb(),
    inputBytes: statSync(file).size,
  };
}

/**
 * This process's own peak RSS. Linux's getrusage maxRSS of a spawned child starts at its
 * parent's peak (the generator's), so read VmHWM, which belongs to this process's memory alone.
 */
function peakRssMb(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (kib !== undefined) return Number(kib) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function* plain(source: ByteSource): AsyncGenerator<Uint8Array> {
  for (let piece = await source.takeUpTo(Infinity); piece !== undefined; piece = await source.takeUpTo(Infinity)) yield piece;
}

// ---- parent

async function runChild(mode: Mode, file: string): Promise<ChildResult> {
  const child = Bun.spawn([process.execPath, import.meta.path, '--child', mode, file], { stdout: 'pipe', stderr: 'inherit' });
  const output = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`the ${mode} run of ${file} failed`);
  return JSON.parse(output) as ChildResult;
}

function sameCounts(expected: ElementCounts, actual: ElementCounts): boolean {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].every((key) => expected[key] === actual[key]);
}

async function main(): Promise<void> {
  const shape = { records: numberOption('--records', 1_000_000), seed: numberOption('--seed', 1) };
  const gate = numberOption('--gate', 250_000);
  const asJson = flag('--json');
  const directory = mkdtempSync(path.join(os.tmpdir(), 'import-parse-'));
  try {
    const generating = performance.now();
    const xmlFile = path.join(directory, 'export.xml');
    const zipFile = path.join(directory, 'export.zip');
    const xml = await writeExportXml(xmlFile, shape);
    const zip = await writeExportZip(zipFile, shape);
    const generationSeconds = (performance.now() - generating) / 1000;
    const expectedItems = Object.values(xml.counts).reduce((sum, n) => sum + n, 0);

    const runs: ChildResult[] = [];
    for (const [mode, file] of [['full', zipFile], ['full', xmlFile], ['inflate-only', zipFile], ['scan-only', xmlFile]] as const) {
      runs.push(await runChild(mode, file));
    }
    const correct = runs.filter((run) => run.mode === 'full').every((run) => sameCounts(xml.counts, run.counts));
    const rate = (run: ChildResult) => expectedItems / run.seconds;
    const fullRuns = runs.filter((run) => run.mode === 'full');
    const passed = correct && fullRuns.every((run) => rate(run) >= gate);

    const rows = runs.map((run) => [
      `${run.mode} ${path.basename(run.file)}`,
      run.inputBytes / 2 ** 20,
      run.mode === 'inflate-only' ? '—' : expectedItems,
      run.seconds,
      rate(run),
      xml.bytes / 2 ** 20 / run.seconds,
      run.maxRssMb,
    ]);
    const result = {
      machine: machineLine(),
      shape,
      generationSeconds,
      xmlBytes: xml.bytes,
      zipBytes: zip.bytes,
      expectedItems,
      correct,
      gate,
      passed,
      runs: runs.map(({ counts: _counts, ...run }) => ({ ...run, recordsPerSecond: expectedItems / run.seconds })),
    };
    if (asJson) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(`import-parse · ${result.machine}`);
      console.log(`export: ${shape.records.toLocaleString('en-US')} records (${expectedItems.toLocaleString('en-US')} items), xml ${(xml.bytes / 2 ** 20).toFixed(0)} MiB, zip ${(zip.bytes / 2 ** 20).toFixed(0)} MiB, generated in ${generationSeconds.toFixed(1)} s`);
      printTable(['run', 'input MiB', 'items', 'seconds', 'items/s', 'XML MiB/s', 'peak RSS MiB'], rows);
      console.log(`counts equal the generator's: ${correct ? 'yes' : 'NO'}`);
      console.log(`gate: full parse ≥ ${gate.toLocaleString('en-US')} items/s for zip and xml: ${passed ? 'pass' : 'FAIL'}`);
    }
    if (!passed) process.exitCode = 1;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const mode = process.argv[childAt + 1] as Mode;
  const file = process.argv[childAt + 2]!;
  try {
    console.log(JSON.stringify(await childRun(mode, file)));
  } catch (error) {
    console.error(error instanceof ImportFileError ? `${error.code}: ${error.message}` : error);
    process.exit(1);
  }
} else {
  await main();
}
