/**
 * rov-client's run once GStreamer is loaded and the WebRTC engine chosen (startClient): finds the
 * server, receives, decodes and shows its video with a status line each second until Q, Esc, Ctrl+C,
 * --frames or --duration ends it.
 */
import { checkRecordFile, RecordingError } from "../media/recorder.ts";
import type { ClientOptions } from "./client_options.ts";
import { interrupted } from "./run_main.ts";
import type { ClientStart } from "./client_start.ts";
import { hasElement } from "../ffi/gst.ts";
import { hostOs } from "../ffi/library_path.ts";
import { preloadElements } from "../ffi/element.ts";
import { displaySinks, jitterLatencyMs, reorderWaitMs, type RtpInput } from "../media/receiver.ts";
import { chooseDecoder } from "../media/codec_choice.ts";
import { gstRegistry } from "../media/codec_probe.ts";
import { clientDoctor } from "../doctor/doctor.ts";
import { ReceiverPipeline } from "../media/receiver_pipeline.ts";
import { MediaError } from "../media/media_error.ts";
import { connectViewer, type ViewerConnection } from "../webrtc/connect_viewer.ts";
import { linkBanner, ViewerLink } from "../webrtc/viewer_link.ts";
import { SignallingError } from "../signalling/session_description.ts";
import { ipv4Interfaces, locateFirst, locateStream, type StreamSource } from "../discovery/locate_stream.ts";
import { formatStatus, StreamStats } from "../stats/stream_stats.ts";
import { DamageTracker } from "../stats/damage.ts";
import { log } from "../log.ts";
import { STAMP_HEIGHT, stampLatency } from "../stats/pixel_stamp.ts";
import { JsonLines } from "../stats/json_lines.ts";
import { wallClockMs } from "../wall_clock.ts";
import { accessToken, readText } from "./access_options.ts";
import { useServerAccess } from "../signalling/server_access.ts";
import { CliError } from "./cli_error.ts";
import { RtpControl } from "../signalling/rtp_control.ts";

const QUIT_KEYS = new Set(["q", "Q", "Escape"]);
/** Bytes of each decoded frame copied for the pixel stamp: its rows at the widest frame (8K). */
const MAX_WIDTH = 7680;
/** A damaged picture asks for a keyframe at most this often. */
const DAMAGE_REPAIR_MS = 300;
/** With no packet for this long the server is taken as gone (it sends ~30+ packets a second). */
const SILENCE_MS = 4000;

/** Whether a window can be opened; Linux needs an X display. */
function canShowWindow(): boolean {
  if (hostOs() !== "linux") return true;
  return Boolean(Deno.env.get("DISPLAY") || Deno.env.get("WAYLAND_DISPLAY"));
}

/** Runs rov-client with parsed `options` (not --help or --version) and what `start` began; its exit code. */
export async function runClient(options: ClientOptions, start: ClientStart): Promise<number> {
  useServerAccess({
    token: await accessToken(options),
    caCert: options.caCert === undefined ? undefined : await readText(options.caCert, "--ca-cert"),
  });
  if (options.doctor) return await clientDoctor(options);
  // The DTLS certificate is being made on another thread (startClient) while the registry, the
  // window and discovery are set up.
  const { engine, werift } = start;
  const registry = gstRegistry();
  if (options.sink && !hasElement(options.sink)) {
    throw new MediaError(`GStreamer element "${options.sink}" is not installed (--sink)`);
  }
  let headless = options.headless;
  if (!headless && !canShowWindow()) {
    log.info("No display (DISPLAY is not set): running headless, status line only");
    headless = true;
  }
  const sink = headless ? undefined : options.sink ?? displaySinks(hostOs()).find(hasElement);
  if (!headless && !sink) {
    throw new MediaError("No video sink for a window: install gstreamer1.0-x (ximagesink)");
  }
  const decoder = await chooseDecoder(options.decoder, registry);
  // The decoder's and the window's plugins load while the server is looked for.
  void preloadElements([decoder.element, ...(sink ? [sink] : [])]);

  const stop = new AbortController();
  const signal = interrupted();
  const done = Promise.withResolvers<number>();
  void signal.promise.then(() => done.resolve(0));
  const stats = new StreamStats();
  const damage = new DamageTracker();
  let damageAskedAt = -Infinity;
  let link: ViewerLink<ViewerConnection> | undefined;
  let control: RtpControl | undefined;
  let receiver: ReceiverPipeline | undefined;
  let stampsTrusted = false;
  let lastFrame = 0;
  const records = options.statsJson ? await JsonLines.create(options.statsJson) : undefined;
  if (options.recordFile) {
    await checkRecordFile(options.recordFile).catch((error) => {
      throw error instanceof RecordingError ? new CliError(error.message) : error;
    });
  }
  const status = setInterval(() => {
    const viewing = link?.session?.viewing;
    const traffic = viewing?.traffic();
    if (traffic) stats.traffic(traffic.bytes, traffic.packets, traffic.lost);
    const snap = stats.snapshot();
    const state = link?.state === "reconnecting" || link?.state === "stalled"
      ? [link.state]
      : link?.state === "source-lost"
      ? ["camera lost on the server (retrying)"]
      : [];
    console.log(formatStatus(snap, [decoder.element, ...state]));
    const measured = snap.latencyP50 !== undefined
      ? [snap.latencyP50, snap.latencyP95!]
      : snap.builtInP50 !== undefined
      ? [snap.builtInP50, snap.builtInP95!]
      : undefined;
    if (measured) {
      const figures = {
        p50: measured[0],
        p95: measured[1],
        frames: snap.frames,
        damaged: snap.damaged,
        freezes: snap.freezes,
        frozenMs: Math.round(snap.frozenMs),
        longestFreezeMs: Math.round(snap.longestFreezeMs),
      };
      viewing?.reportLatency(figures);
      control?.reportLatency(figures);
    }
    // Plain RTP has no session to watch: the stream just resumes; scripts (--no-reconnect) exit.
    if (
      !options.reconnect && link === undefined && lastFrame > 0 && performance.now() - lastFrame > SILENCE_MS
    ) {
      done.reject(new Error(`rov-server stopped sending video (nothing for ${SILENCE_MS / 1000} s)`));
    }
  }, 1000);
  try {
    const source = await Promise.race([
      locateFirst(options, stop.signal),
      done.promise.then(() => undefined),
    ]);
    if (source !== undefined) {
      let firstFrameLogged = false;
      if (source.kind === "rtp" && source.control) {
        control = new RtpControl(source.control, { signal: stop.signal });
        // Start at a keyframe made now instead of waiting up to a GOP for the next one.
        control.requestKeyFrame();
      }
      if (source.kind === "rtp") stampsTrusted = source.stamps;
      const input: RtpInput = source.kind === "rtp"
        ? source.input
        : engine?.engine === "gstreamer"
        ? { kind: "webrtc" }
        : { kind: "appsrc" };
      receiver = new ReceiverPipeline(
        {
          input,
          decoder: decoder.element,
          latencyMs: jitterLatencyMs(input.kind, options.lowLatency, options.latencyMs),
          lowLatency: options.lowLatency,
          sink,
          recordFile: options.recordFile,
        },
        {
          frameBytes: STAMP_HEIGHT * MAX_WIDTH,
          onUnit: (unit) => damage.unit(unit),
          onFrame: (frame) => {
            const damaged = damage.frame(frame.pts, frame.corrupted);
            stats.frame(frame.width, frame.height, damaged);
            // Damage lasts until the next keyframe: ask for one now (at most every 300 ms).
            if (damaged && performance.now() - damageAskedAt > DAMAGE_REPAIR_MS) {
              damageAskedAt = performance.now();
              if (link?.session) link.session.requestKeyFrame();
              else control?.requestKeyFrame();
            }
            lastFrame = performance.now();
            const now = wallClockMs();
            const viewing = link?.session?.viewing;
            const builtInMs = viewing?.builtInLatency(frame, now) ??
              control?.captureLatency(frame.ntpTime, now);
            if (builtInMs !== undefined) stats.builtIn(builtInMs);
            // Pixel stamps are read only from a server that says it sends them.
            const latencyMs = stampsTrusted && frame.data && frame.width
              ? stampLatency(frame.data, (frame.width + 3) & ~3, now)
              : undefined;
            if (latencyMs !== undefined) stats.latency(latencyMs);
            records?.write({
              frame: stats.frames,
              at: now,
              width: frame.width,
              height: frame.height,
              latencyMs,
              builtInMs,
              damaged,
              ...viewing?.stages(frame),
            });
            if (!firstFrameLogged) {
              firstFrameLogged = true;
              log.info(
                // performance.now() counts from the process's start.
                `First frame ${frame.width}x${frame.height} after ${Math.round(performance.now())} ms`,
              );
            }
            if (options.frames !== undefined && stats.frames >= options.frames) done.resolve(0);
          },
          onKey: (key) => {
            if (QUIT_KEYS.has(key)) done.resolve(0);
          },
          onDecodeTrouble: () => link?.session?.viewing.requestKeyFrame() ?? control?.requestKeyFrame(),
          onError: (error) => done.reject(error),
        },
      );
      if (source.kind === "webrtc") {
        const playing = receiver;
        let next: StreamSource | undefined = source;
        let pictureLostAt: number | undefined;
        let serverAt = new URL(source.offerUrl).host;
        link = new ViewerLink<ViewerConnection>({
          connect: async (attempt) => {
            // The first session uses what was found; later ones find the server again (--auto).
            const found = next ?? await locateStream(options, attempt);
            next = undefined;
            if (found.kind !== "webrtc") {
              throw new Error("rov-server now sends plain RTP: restart rov-client");
            }
            serverAt = new URL(found.offerUrl).host;
            const connection = await connectViewer(found.offerUrl, {
              stun: options.stun,
              interfaces: ipv4Interfaces(),
              engine: engine!.engine,
              receiver: playing,
              repairWaitMs: reorderWaitMs(options.lowLatency, options.latencyMs),
              werift,
              stream: options.stream,
              signal: attempt,
            });
            stampsTrusted = connection.stamps;
            return connection;
          },
          lastPictureAt: () => lastFrame,
          reconnect: options.reconnect,
          // A refused offer will be refused again; too many offers (429) only asks to wait.
          isFatal: (error) =>
            error instanceof SignallingError && error.status >= 400 && error.status < 500 &&
            error.status !== 429,
          onState: (state, reason) => {
            log.debug(`Link ${state}${reason ? `: ${reason}` : ""}`);
            if (state === "stalled" || state === "reconnecting" || state === "source-lost") {
              pictureLostAt ??= lastFrame > 0 ? lastFrame : performance.now();
            }
            if (state === "source-lost") log.info(`Waiting: ${reason}`);
            // The window keeps the last picture and says what is happening across its top.
            playing.showBanner(linkBanner(state, serverAt));
            if (state === "live" && pictureLostAt !== undefined) {
              log.info(`Picture back after ${((performance.now() - pictureLostAt) / 1000).toFixed(1)} s`);
              pictureLostAt = undefined;
            }
          },
          signal: stop.signal,
        });
        link.run().then(() => done.resolve(0), (error) => done.reject(error));
      }
      if (options.durationS !== undefined) setTimeout(() => done.resolve(0), options.durationS * 1000);
    }
    return await done.promise;
  } finally {
    stop.abort();
    clearInterval(status);
    signal.dispose();
    control?.close();
    await link?.session?.close();
    await receiver?.close();
    await records?.close();
    if (stats.frames > 0) console.log(formatStatus(stats.snapshot(), [decoder.element, "done"]));
  }
}
