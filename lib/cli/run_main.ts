/** Runs an entry point: every error becomes one line and an exit code, never a stack trace. */
import { CliError } from "./cli_error.ts";
import { log } from "../log.ts";

/**
 * Runs `main` and exits with its code; errors print `program: message` (exit 2 for usage errors, else 1).
 * `beforeExit` is awaited first, however main ended (work on another thread that must finish).
 */
export async function runMain(
  program: string,
  main: () => Promise<number>,
  options: { beforeExit?: () => Promise<unknown> } = {},
): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${program}: ${message.split("\n")[0]}`);
    if (error instanceof CliError) console.error(`Try '${program} --help'.`);
    else if (error instanceof Error && error.stack) log.debug(error.stack);
    code = error instanceof CliError ? 2 : 1;
  }
  await options.beforeExit?.().catch(() => {});
  Deno.exit(code);
}

/** Resolves on the first Ctrl+C or SIGTERM; the listeners are removed afterwards. */
export function interrupted(): { promise: Promise<string>; dispose: () => void } {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
  const { promise, resolve } = Promise.withResolvers<string>();
  const handlers = signals.map((signal) => {
    const handler = () => resolve(signal);
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  return { promise, dispose: () => handlers.forEach(([s, h]) => Deno.removeSignalListener(s, h)) };
}
