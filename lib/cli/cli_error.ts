/** Command-line parsing shared by both programs: typed values, one-line errors. */

/** A problem with the command line: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = "CliError";
}

/** An integer option in [min, max]; `undefined` stays undefined. */
export function intOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new CliError(
      `Invalid --${name} ${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

/** A number option in [min, max]. */
export function numberOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new CliError(`Invalid --${name} ${JSON.stringify(value)}: expected a number from ${min} to ${max}`);
  }
  return n;
}

/** One of `choices`. */
export function choiceOption<T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new CliError(`Invalid --${name} ${JSON.stringify(value)}: expected one of ${choices.join(", ")}`);
  }
  return value as T;
}

/** An IPv4/IPv6 address or host name for binding or connecting. */
export function hostOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(value)) {
    throw new CliError(`Invalid --${name} ${JSON.stringify(value)}: expected an IP address or host name`);
  }
  return value;
}

/** Wraps node:util parseArgs errors ("Unknown option '--x'") as CliError. */
export function parseError(error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    return new CliError(
      `${ambiguous[1]} needs a value (for one starting with a dash write ${ambiguous[1]}=VALUE)`,
    );
  }
  return new CliError(
    message.split("\n")[0].replace(/\. To specify a positional argument.*$/s, "").replace(/\.$/, ""),
  );
}

/** A network interface name (eth0, enp3s0, wlan0). */
export function interfaceOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9._-]{1,15}$/.test(value)) {
    throw new CliError(`Invalid --${name} ${JSON.stringify(value)}: expected an interface name`);
  }
  return value;
}
