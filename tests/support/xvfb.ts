/** A virtual X display for window tests: Xvfb on a free display number, and helpers around it. */

export interface Display {
  /** ":N" */
  name: string;
  [Symbol.asyncDispose](): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Starts Xvfb on the first free display from :90 on. */
export async function startXvfb(width = 1280, height = 720): Promise<Display> {
  for (let n = 90; n < 140; n++) {
    if (await exists(`/tmp/.X11-unix/X${n}`) || await exists(`/tmp/.X${n}-lock`)) continue;
    const child = new Deno.Command("Xvfb", {
      args: [`:${n}`, "-screen", "0", `${width}x${height}x24`, "-nolisten", "tcp"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    for (let i = 0; i < 50 && !(await exists(`/tmp/.X11-unix/X${n}`)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      name: `:${n}`,
      async [Symbol.asyncDispose]() {
        child.kill("SIGTERM");
        await child.status;
      },
    };
  }
  throw new Error("No free X display number");
}

/** Runs an X client command on `display` and returns its stdout. */
export async function x(display: string, command: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(command, {
    args,
    env: { DISPLAY: display },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** The standard deviation of the grey levels in a `width`x`height` screen grab at the top left. */
export async function screenContrast(display: string, width: number, height: number): Promise<number> {
  const out = await new Deno.Command("ffmpeg", {
    args: [
      "-loglevel",
      "error",
      "-f",
      "x11grab",
      "-video_size",
      `${width}x${height}`,
      "-i",
      `${display}+0,0`,
      "-frames:v",
      "1",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "gray",
      "-",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`ffmpeg x11grab: ${new TextDecoder().decode(out.stderr)}`);
  const pixels = out.stdout;
  const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
  return Math.sqrt(pixels.reduce((a, b) => a + (b - mean) ** 2, 0) / pixels.length);
}
