/** Test helpers: start real rov-server/rov-client processes on loopback with free ports. */
import { freeUdpPort } from "../../lib/free_port.ts";
import { RUN_FLAGS } from "../../lib/permissions.ts";

export { freeRtpPort, freeTcpPort, freeUdpPort } from "../../lib/free_port.ts";

const ROOT = new URL("../../", import.meta.url);
export const SERVER = new URL("server.ts", ROOT).pathname;
export const CLIENT = new URL("client.ts", ROOT).pathname;
export const DENO = Deno.execPath();
/** The flags the deno tasks use, so tests run the programs as users do. */
export { RUN_FLAGS } from "../../lib/permissions.ts";

/** Collects a stream's text and lets a test wait for a line matching a pattern. */
export class Output {
  text = "";
  #waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        this.#waiters = this.#waiters.filter((w) => {
          const match = this.text.match(w.pattern);
          if (match) w.resolve(match);
          return !match;
        });
      }
    })();
  }

  /** Resolves with the first match of `pattern`; rejects after `timeoutMs` with the text so far. */
  wait(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const match = this.text.match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${pattern}; output so far:\n${this.text}`)),
        timeoutMs,
      );
      this.#waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }
}

export interface Running {
  child: Deno.ChildProcess;
  stdout: Output;
  stderr: Output;
  /** Sends SIGINT and waits for exit; returns the exit code. */
  stop(): Promise<number>;
}

export interface StartOptions {
  /** A command the program runs under, e.g. `ip netns exec NAME`. */
  wrap?: string[];
  env?: Record<string, string>;
}

/** Starts `script` with `args` under the task flags (optionally wrapped, e.g. by `ip netns exec`). */
export function start(script: string, args: string[], options: StartOptions = {}): Running {
  const [command, ...prefix] = [...(options.wrap ?? []), DENO];
  const child = new Deno.Command(command, {
    args: [...prefix, ...RUN_FLAGS, script, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    // Deno's own update check would contact dl.deno.land: programs must contact nothing unasked.
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...options.env },
  }).spawn();
  const stdout = new Output(child.stdout);
  const stderr = new Output(child.stderr);
  let stopped: Promise<number> | undefined;
  return {
    child,
    stdout,
    stderr,
    stop() {
      stopped ??= (async () => {
        // Under a wrapper that stays (strace), Ctrl+C goes to the program itself, as a terminal would.
        const target = options.wrap ? await descendantDeno(child.pid) : undefined;
        try {
          if (target) Deno.kill(target, "SIGINT");
          else child.kill("SIGINT");
        } catch {
          // already exited
        }
        const status = await child.status;
        await Promise.all([stdout.done, stderr.done]);
        return status.code;
      })();
      return stopped;
    },
  };
}

/** The pid of the deno process below `pid` (the wrapper's child), if any. */
async function descendantDeno(pid: number): Promise<number | undefined> {
  for (let depth = 0, parent = pid; depth < 4; depth++) {
    const out = await new Deno.Command("pgrep", { args: ["-P", String(parent)], stdout: "piped" }).output();
    const children = new TextDecoder().decode(out.stdout).trim().split("\n").filter(Boolean).map(Number);
    if (children.length === 0) return parent === pid ? undefined : parent;
    parent = children[0];
  }
  return undefined;
}

export interface RunningServer extends Running {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  discoveryPort: number;
}

/**
 * Starts rov-server with the test source at 640x360, a free signalling port and a free discovery
 * port, bound to 127.0.0.1 (or to its default address with `defaultHost`, inside a namespace).
 */
export async function startServer(
  args: string[] = [],
  options: StartOptions & { defaultHost?: boolean; timeoutMs?: number } = {},
): Promise<RunningServer> {
  const discoveryPort = freeUdpPort();
  const host = options.defaultHost ? [] : ["--host", "127.0.0.1"];
  const running = start(SERVER, [
    "--source",
    "test",
    "--width",
    "640",
    "--height",
    "360",
    ...host,
    "--signal-port",
    "0",
    "--discovery-port",
    String(discoveryPort),
    // No RTSP on its fixed default port; a test that wants RTSP gives a free one.
    "--rtsp-port",
    "0",
    ...args,
  ], options);
  try {
    const match = await running.stderr.wait(/signalling http:\/\/[^:]+:(\d+)\//, options.timeoutMs);
    const port = Number(match[1]);
    return { ...running, url: `http://127.0.0.1:${port}`, port, discoveryPort };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** The arguments for the RTP transport to `host`:`port`, for rov-server and rov-client alike. */
export function rtpArgs(port: number | string, host = "127.0.0.1"): string[] {
  return ["--transport", "rtp", "--rtp-host", host, "--rtp-port", String(port)];
}

/** rov-client arguments that connect to `server` directly and show no window. */
export function viewerArgs(server: RunningServer, ...extra: string[]): string[] {
  return ["--host", "127.0.0.1", "--signal-port", String(server.port), "--headless", ...extra];
}

/** Runs rov-client to completion; returns its exit code and output. */
export function runClient(args: string[], options: { wrap?: string[]; timeoutMs?: number } = {}) {
  return runToExit(CLIENT, args, options);
}

/** Runs `script` (rov-server or rov-client) to its exit (killed after `timeoutMs`); its code and output. */
export async function runToExit(
  script: string,
  args: string[],
  options: { wrap?: string[]; timeoutMs?: number } = {},
) {
  const running = start(script, args, options);
  const timer = setTimeout(() => running.child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const status = await running.child.status;
  clearTimeout(timer);
  await Promise.all([running.stdout.done, running.stderr.done]);
  return { code: status.code, stdout: running.stdout.text, stderr: running.stderr.text };
}

/** The last "frames N" and size the client's status lines reported. */
export function lastStatus(stdout: string): { frames: number; size?: string } {
  const lines = stdout.trim().split("\n").filter((l) => l.includes("frames "));
  const last = lines.at(-1) ?? "";
  return { frames: Number(/frames (\d+)/.exec(last)?.[1] ?? 0), size: /(\d+x\d+)/.exec(last)?.[1] };
}
