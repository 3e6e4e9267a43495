// What the numbers were measured on, printed with every table.
import os from 'node:os';

export function machineLine(extra: Record<string, string> = {}): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  const parts = [
    `bun ${Bun.version}`,
    `${os.platform()}/${os.arch()}`,
    `${os.cpus().length} × ${cpu}`,
    `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    ...Object.entries(extra).map(([key, value]) => `${key} ${value}`),
  ];
  return parts.join(' · ');
}
