/** ffmpeg and ffprobe as independent judges of a stream or a file: decoded frames, durations. */
import { assertEquals } from "./assert.ts";

/** Runs `command` to its exit (killed after `timeoutMs`): its code and output. */
export async function runTool(command: string, args: string[], timeoutMs = 30_000) {
  const out = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** ffmpeg reads `frames` frames of RTSP `url` over `transport` and decodes them (its log in `stderr`). */
export function ffmpegRtsp(url: string, transport: "udp" | "tcp", frames: number) {
  return runTool("ffmpeg", [
    "-hide_banner",
    "-nostdin",
    "-rtsp_transport",
    transport,
    "-i",
    url,
    "-frames:v",
    String(frames),
    "-f",
    "null",
    "-",
  ]);
}

/** The frames ffprobe counts in `file` (decoding every one); ffprobe must succeed. */
export async function framesIn(file: string): Promise<number> {
  const out = await runTool("ffprobe", [
    ...["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames"],
    ...["-of", "csv=p=0", file],
  ]);
  assertEquals(out.code, 0, out.stderr);
  return Number(out.stdout.trim());
}

/** The duration ffprobe reads from `file`'s container, in seconds. */
export async function durationOf(file: string): Promise<number> {
  const out = await runTool("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "csv=p=0",
    file,
  ]);
  return Number(out.stdout.trim());
}
