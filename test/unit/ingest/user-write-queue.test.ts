// The queue in front of the inline writer (src/ingest/user-write-queue.ts): a user with nothing in
// flight is written at once and alone; uploads arriving meanwhile go together next, in receipt
// order and within the limits; a group that fails is written one by one, each with its own fate.
import { expect, test } from 'bun:test';
import { UserWriteQueue } from '../../../src/ingest/user-write-queue.ts';

interface Upload {
  userId: string;
  receivedAt: Date;
  name: string;
  items: number;
}
const upload = (userId: string, name: string, receivedAtMs: number, items = 1): Upload => ({ userId, name, items, receivedAt: new Date(receivedAtMs) });

function recordingQueue(options: { together?: (uploads: Upload[]) => Promise<string[] | null>; one?: (u: Upload) => Promise<string> } = {}) {
  const calls: string[][] = [];
  let release: (() => void) | undefined;
  const queue = new UserWriteQueue<Upload, string>(
    async (u) => {
      calls.push([u.name]);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return options.one ? options.one(u) : `one:${u.name}`;
    },
    async (uploads) => {
      calls.push(uploads.map((u) => u.name));
      return options.together ? options.together(uploads) : uploads.map((u) => `together:${u.name}`);
    },
    (u) => u.items,
    { parts: 3, items: 10 },
  );
  return { queue, calls, release: () => release!() };
}

test('the first upload goes alone at once; the ones that waited go together, in receipt order, within the limits', async () => {
  const { queue, calls, release } = recordingQueue();
  const results = [
    queue.write(upload('u', 'a', 0)),
    queue.write(upload('u', 'c', 30)),
    queue.write(upload('u', 'b', 20)),
    queue.write(upload('u', 'd', 40, 9)), // over the items limit with b and c: next group
    queue.write(upload('u', 'e', 50)),
    queue.write(upload('v', 'x', 10)), // another user: not held up
  ];
  await Bun.sleep(1);
  expect(calls).toEqual([['a'], ['x']]);
  expect(queue.waitingFor('u')).toBe(4);
  release();
  expect(await Promise.all(results)).toEqual(['one:a', 'together:c', 'together:b', 'together:d', 'together:e', 'one:x']);
  expect(calls).toEqual([['a'], ['x'], ['b', 'c'], ['d', 'e']]);
  expect(queue.waitingFor('u')).toBe(0);
});

test('a group that fails or is given up is written one by one; an error stays with its own upload', async () => {
  for (const together of [async () => null, async () => Promise.reject(new Error('group failed'))]) {
    const { queue, calls, release } = recordingQueue({
      together,
      one: async (u) => {
        if (u.name === 'bad') throw new Error('bad upload');
        return `one:${u.name}`;
      },
    });
    const results = [queue.write(upload('u', 'a', 0)), queue.write(upload('u', 'bad', 1)), queue.write(upload('u', 'c', 2))].map((p) =>
      p.then(
        (value) => value,
        (error: Error) => `error:${error.message}`,
      ),
    );
    await Bun.sleep(1);
    release();
    expect(await Promise.all(results)).toEqual(['one:a', 'error:bad upload', 'one:c']);
    expect(calls).toEqual([['a'], ['bad', 'c'], ['bad'], ['c']]);
  }
});
