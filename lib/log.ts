/** Leveled logging to stderr; stdout stays free for status lines and machine-readable output. */

export type LogLevel = "debug" | "info" | "warn" | "error" | "quiet";
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, quiet: 4 };

let threshold: LogLevel = "info";

/** Sets the lowest level printed; `ROV_LOG` in the environment sets the default. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function fromEnv(): void {
  try {
    const level = Deno.env.get("ROV_LOG") as LogLevel | undefined;
    if (level && level in ORDER) threshold = level;
  } catch {
    // no env permission: keep the default
  }
}
fromEnv();

function write(level: LogLevel, message: string): void {
  if (ORDER[level] < ORDER[threshold]) return;
  // Debug lines carry the time since the process started: where start-up time goes is visible.
  const prefix = level === "info"
    ? ""
    : level === "debug"
    ? `debug +${Math.round(performance.now())} ms: `
    : `${level}: `;
  console.error(prefix + message);
}

export const log = {
  debug: (message: string) => write("debug", message),
  info: (message: string) => write("info", message),
  warn: (message: string) => write("warn", message),
  error: (message: string) => write("error", message),
};
