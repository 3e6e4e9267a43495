// What the CLI shows of an import in progress (CONTRACT §9): a bar line for a terminal
// (percent of bytes, records/s, ETA) and the figures behind it. Pure: the caller passes time.

export interface ProgressFigures {
  bytesRead: number;
  bytesTotal: number | null;
  recordsRead: number;
  accepted: number;
  unchanged: number;
  failed: number;
  elapsedMs: number;
}

export interface ProgressRates {
  percent: number | null;
  recordsPerSecond: number;
  etaSeconds: number | null;
}

export function progressRates(figures: ProgressFigures): ProgressRates {
  const seconds = figures.elapsedMs / 1000;
  const fraction = figures.bytesTotal ? Math.min(1, figures.bytesRead / figures.bytesTotal) : null;
  const etaSeconds = fraction !== null && fraction > 0 && seconds > 0 ? Math.max(0, seconds / fraction - seconds) : null;
  return {
    percent: fraction === null ? null : Math.round(fraction * 1000) / 10,
    recordsPerSecond: seconds > 0 ? Math.round(figures.recordsRead / seconds) : 0,
    etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
  };
}

const duration = (seconds: number) =>
  seconds >= 3600
    ? `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** One terminal line: `[#####-----]  42.0 %  12,345 records  8,901/s  ETA 0:12`. */
export function progressBar(figures: ProgressFigures, width = 24): string {
  const rates = progressRates(figures);
  const filled = rates.percent === null ? 0 : Math.round((rates.percent / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = rates.percent === null ? '   ? %' : `${rates.percent.toFixed(1).padStart(5)} %`;
  const eta = rates.etaSeconds === null ? 'ETA ?' : `ETA ${duration(rates.etaSeconds)}`;
  const count = (n: number) => n.toLocaleString('en-US');
  return `${bar} ${percent}  ${count(figures.recordsRead)} records  ${count(rates.recordsPerSecond)}/s  ${eta}  (${count(figures.accepted)} accepted, ${count(figures.unchanged)} unchanged, ${count(figures.failed)} failed)`;
}
