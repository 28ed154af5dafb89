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

/**
 * GStreamer's rtspsrc (QGroundControl's client) over `transport`, decoding `frames` frames, then EOS;
 * `credentials` sign in. The frames are counted in gst-launch's output (`decoded`), not judged by
 * its exit code: rtspsrc 1.22 now and then fails its own PAUSE while shutting down (its CLOSE
 * flushes the connection under the PAUSE being sent: "Could not send message. (Received
 * end-of-file)", after the server's last frame and before its TEARDOWN, which the server answers 200).
 */
export async function rtspsrcRtsp(
  url: string,
  transport: "udp" | "tcp",
  frames: number,
  credentials?: { user: string; password: string },
) {
  const signIn = credentials ? [`user-id=${credentials.user}`, `user-pw=${credentials.password}`] : [];
  const out = await runTool("gst-launch-1.0", [
    "-v", // with fakesink silent=false: a "last-message = chain" line per decoded frame
    ...["rtspsrc", `location=${url}`, ...signIn, `protocols=${transport}`, "latency=0", "!"],
    ...["rtph264depay", "!", "h264parse", "!", "avdec_h264", "!"],
    ...["fakesink", "silent=false", `num-buffers=${frames}`],
  ]);
  return { ...out, decoded: out.stdout.match(/fakesink0: last-message = chain/g)?.length ?? 0 };
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
