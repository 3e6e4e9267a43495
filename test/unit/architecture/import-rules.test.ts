// The import rules of src/ (README, "How it is built"), checked over every relative import of
// every file (type-only imports too: a cycle of types is a cycle of knowledge):
// - no folder imports another in a circle, at the top level and among the domain's sub-rooms;
// - domain/ imports only domain/ (it stays pure);
// - nothing under http/ imports db/ (routes receive services bound to their pools);
// - start/ (the composition root) is imported only by the entry points.
import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dir, '..', '..', '..', 'src');
const ENTRY_POINTS = new Set(['main.ts', 'api.ts', 'worker.ts', 'cli.ts', 'build-client.ts']);

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'));
const SPECIFIER = /(?:from\s+|import\s+|import\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import: [importing file, imported file], both relative to src/. */
const edges: [string, string][] = files.flatMap((file) =>
  [...readFileSync(join(SRC, file), 'utf8').matchAll(SPECIFIER)].map(
    (match) => [file, relative(SRC, resolve(SRC, dirname(file), match[1]!))] as [string, string],
  ),
);

/** A file's room: its top-level folder (or the file itself at src/), or its domain sub-room. */
const topRoom = (file: string) => (file.includes('/') ? file.split('/')[0]! : file);
const domainRoom = (file: string) => {
  if (!file.startsWith('domain/')) return null;
  const parts = file.split('/');
  return parts.length > 2 ? `domain/${parts[1]}` : file;
};

/** The strongly connected groups of more than one room (Tarjan). */
function cycles(roomOf: (file: string) => string | null): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const a = roomOf(from);
    const b = roomOf(to);
    if (a === null || b === null || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('no folder imports another in a circle', () => {
  test('the folders of src/ (and its loose files) form no cycle', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(cycles(topRoom)).toEqual([]);
  });

  test("the domain's sub-rooms form no cycle", () => {
    expect(cycles(domainRoom)).toEqual([]);
  });
});

test('domain/ imports only domain/', () => {
  expect(edges.filter(([from, to]) => from.startsWith('domain/') && !to.startsWith('domain/'))).toEqual([]);
});

test('nothing under http/ imports db/', () => {
  expect(edges.filter(([from, to]) => from.startsWith('http/') && to.startsWith('db/'))).toEqual([]);
});

test('start/ is imported only by the entry points (and by itself)', () => {
  expect(edges.filter(([from, to]) => to.startsWith('start/') && !from.startsWith('start/') && !ENTRY_POINTS.has(from))).toEqual([]);
});
