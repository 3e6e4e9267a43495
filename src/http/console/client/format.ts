// Number, time and duration formats of the console (the browser's locale for numbers).

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const formatCount = (value: number) => integer.format(value);

/** per second, with one decimal below 100 */
export const formatRate = (perSecond: number) => `${perSecond >= 100 ? integer.format(perSecond) : decimal.format(perSecond)}/s`;

/** 42 s, 3 min, 2 h 10 min, 3 d 4 h: two units at most, seconds only under a minute */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`;
}

/** "12 s ago", "in 4 min" relative to now, for an ISO time */
export function formatRelative(iso: string | null, nowMs: number = Date.now()): string {
  if (!iso) return '—';
  const delta = (Date.parse(iso) - nowMs) / 1000;
  if (Math.abs(delta) < 1) return 'just now';
  return delta < 0 ? `${formatDuration(-delta)} ago` : `in ${formatDuration(delta)}`;
}

/** local date and time to the second, for titles and captions */
export const formatTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const formatClock = (date: Date) => date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
