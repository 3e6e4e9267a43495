// Who used the machine's CPU during a phase: the service, the load generator (this process), the
// PostgreSQL backends of the bench's own database, PostgreSQL's background processes (server-wide:
// WAL writer, checkpointer, …) and everything else (other engineers' runs on the shared machine).
// From /proc/<pid>/stat (utime + stime of every thread) and the machine's /proc/stat, read at the
// phase's start and end; the backends of a database are the pids pg_stat_activity names for it.
import { readdirSync, readFileSync } from 'node:fs';
import type postgres from 'postgres';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds a process used so far (all its threads), or null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: fields count from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine so far (all cores). */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3]! + ticks[4]!; // idle + iowait
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** Every postgres process's CPU seconds now, by pid (a backend that exits in between is lost). */
function postgresProcesses(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
    } catch {
      continue;
    }
    const cpu = processCpuSeconds(pid);
    if (cpu !== null) out.set(pid, cpu);
  }
  return out;
}

export interface CpuShares {
  seconds: number;
  /** CPU seconds per party (1 core busy for the whole phase = `seconds`) */
  service: number;
  loadGenerator: number;
  postgresBackends: number;
  postgresBackground: number;
  other: number;
  idle: number;
  /** cores of the machine × seconds: the shares' denominator */
  capacity: number;
}

/**
 * Starts measuring; `stop()` returns what each party used since. `db` is a connection to any
 * database of the server (the bench's own is fine); `database` names the one whose backends count.
 */
export function measureCpuShares(options: {
  db: postgres.Sql;
  database: string;
  servicePids: () => number[];
}): { stop(): Promise<CpuShares> } {
  const started = performance.now();
  const machine0 = machineCpuSeconds();
  const pg0 = postgresProcesses();
  const self0 = processCpuSeconds(process.pid) ?? 0;
  const service0 = new Map(options.servicePids().map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
  return {
    async stop() {
      const seconds = (performance.now() - started) / 1000;
      const self1 = processCpuSeconds(process.pid) ?? 0;
      const service = options
        .servicePids()
        .reduce((sum, pid) => sum + Math.max(0, (processCpuSeconds(pid) ?? 0) - (service0.get(pid) ?? 0)), 0);
      const pg1 = postgresProcesses();
      const machine1 = machineCpuSeconds();
      const activity = await options.db<{ pid: number; datname: string | null; backend_type: string }[]>`
        SELECT pid, datname, backend_type FROM pg_stat_activity`;
      const ours = new Set(activity.filter((a) => a.datname === options.database).map((a) => a.pid));
      const background = new Set(activity.filter((a) => a.datname === null).map((a) => a.pid));
      let postgresBackends = 0;
      let postgresBackground = 0;
      for (const [pid, cpu] of pg1) {
        const used = Math.max(0, cpu - (pg0.get(pid) ?? 0));
        if (ours.has(pid)) postgresBackends += used;
        // the background processes (and the postmaster's own workers) have no database
        else if (background.has(pid)) postgresBackground += used;
      }
      const busy = machine1.busy - machine0.busy;
      const capacity = machine1.total - machine0.total;
      const loadGenerator = self1 - self0;
      return {
        seconds,
        service,
        loadGenerator,
        postgresBackends,
        postgresBackground,
        other: Math.max(0, busy - service - loadGenerator - postgresBackends - postgresBackground),
        idle: Math.max(0, capacity - busy),
        capacity,
      };
    },
  };
}

/** Rows for printTable: each party's share of the machine and of the busy time. */
export function cpuShareRows(label: string, shares: CpuShares): (string | number)[][] {
  const pct = (value: number) => `${((100 * value) / shares.capacity).toFixed(1)} %`;
  return [
    [`${label}: service`, shares.service, pct(shares.service)],
    [`${label}: load generator`, shares.loadGenerator, pct(shares.loadGenerator)],
    [`${label}: PostgreSQL backends of the bench database`, shares.postgresBackends, pct(shares.postgresBackends)],
    [`${label}: PostgreSQL background (server-wide)`, shares.postgresBackground, pct(shares.postgresBackground)],
    [`${label}: other processes`, shares.other, pct(shares.other)],
    [`${label}: idle`, shares.idle, pct(shares.idle)],
  ];
}
