// Command-line options of the benches, their only configuration: flags (`--json`), numbers
// (`--seconds 60`) and text (`--redis-url …`). No bench reads the environment.
const args = process.argv.slice(2);

export function flag(name: string): boolean {
  return args.includes(name);
}

/** The text after `name`, or `fallback` when the option is absent. */
export function textOption(name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1]! : fallback;
}

/** The number after `name`, or `fallback` when the option is absent. */
export function numberOption(name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/** The text after `name`, or `fallback` when the option is absent. */
export function stringOption(name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
}
