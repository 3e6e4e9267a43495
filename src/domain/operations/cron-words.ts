// Human descriptions of the built-in jobs' cron patterns (GET /admin/jobs, `cli jobs list`).
// Patterns are 5-field (minute hour day-of-month month day-of-week) or 6-field with seconds
// first; they are evaluated in UTC. Only the shapes the service uses get prose; anything else is
// described as the pattern itself.

const NUMBER = /^\d+$/;
const STEP = /^\*\/(\d+)$/;

const two = (value: string) => value.padStart(2, '0');

export function describeSchedule(pattern: string): string {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length === 6) {
    if (fields[0] !== '0') return `cron "${pattern}" (UTC)`;
    fields.shift();
  }
  if (fields.length !== 5) return `cron "${pattern}" (UTC)`;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const everyDay = dayOfMonth === '*' && month === '*' && dayOfWeek === '*';
  if (!everyDay) return `cron "${pattern}" (UTC)`;
  const minuteStep = STEP.exec(minute);
  if (minuteStep && hour === '*') {
    const n = Number(minuteStep[1]);
    return n === 1 ? 'every minute' : `every ${n} minutes`;
  }
  if (minute === '*' && hour === '*') return 'every minute';
  const hourStep = STEP.exec(hour);
  if (NUMBER.test(minute) && hourStep) {
    const n = Number(hourStep[1]);
    const at = Number(minute) === 0 ? '' : ` at minute ${Number(minute)}`;
    return n === 1 ? `every hour${at}` : `every ${n} hours${at}`;
  }
  if (NUMBER.test(minute) && hour === '*') return `every hour at minute ${Number(minute)}`;
  if (NUMBER.test(minute) && NUMBER.test(hour)) return `daily at ${two(hour)}:${two(minute)} UTC`;
  return `cron "${pattern}" (UTC)`;
}
