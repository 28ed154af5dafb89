/**
 * rov-client: finds an rov-server (or takes --host), receives its video over WebRTC, decodes and
 * shows it natively. Q or Esc in the window, or Ctrl+C, quits. A status line each second.
 */
import { CLIENT_HELP, type ClientOptions, parseClientOptions } from "./lib/cli/client_options.ts";
import { interrupted, runMain } from "./lib/cli/run_main.ts";
import { hasElement } from "./lib/ffi/gst.ts";
import { loadGStreamer } from "./lib/media/launch.ts";
import { hostOs } from "./lib/ffi/library_path.ts";
import { displaySinks, isMulticast, type RtpInput } from "./lib/media/receiver.ts";
import { chooseDecoder } from "./lib/media/codec_choice.ts";
import { gstRegistry } from "./lib/media/codec_probe.ts";
import { clientDoctor } from "./lib/doctor/doctor.ts";
import { ReceiverPipeline } from "./lib/media/receiver_pipeline.ts";
import { MediaError } from "./lib/media/media_error.ts";
import { ReceiverSession } from "./lib/webrtc/receiver_session.ts";
import { hostAddresses, isLoopback, prepareCertificate } from "./lib/webrtc/ice_config.ts";
import { offerUrl, postOffer } from "./lib/signalling/offer_client.ts";
import { findServer } from "./lib/discovery/browser.ts";
import { broadcastTargets } from "./lib/discovery/broadcast.ts";
import { rtpSequence, SequenceTracker } from "./lib/stats/sequence_tracker.ts";
import { formatStatus, StreamStats } from "./lib/stats/stream_stats.ts";
import { log, setLogLevel } from "./lib/log.ts";
import { readStamp, STAMP_HEIGHT, unwrapStamp } from "./lib/stats/pixel_stamp.ts";
import { JsonLines } from "./lib/stats/json_lines.ts";
import { startsKeyFrame } from "./lib/webrtc/h264_rtp.ts";
import { ntpToUnixMs, wallClockMs } from "./lib/wall_clock.ts";
import { RtpControl } from "./lib/signalling/rtp_control.ts";
import { versionText } from "./lib/version.ts";

const PROGRAM = "rov-client";
const QUIT_KEYS = new Set(["q", "Q", "Escape"]);
/** Bytes of each decoded frame copied for the pixel stamp: its rows at the widest frame (8K). */
const MAX_WIDTH = 7680;
/** With no packet for this long the server is taken as gone (it sends ~30+ packets a second). */
const SILENCE_MS = 4000;

function ipv4Interfaces() {
  return Deno.networkInterfaces().filter((i) => i.family === "IPv4");
}

/**
 * Where the video comes from: a server's WebRTC offer URL, or a plain RTP stream and, when the
 * server's HTTP address is known, its origin for the clock exchange and keyframe requests.
 */
type StreamSource = { kind: "webrtc"; offerUrl: string } | { kind: "rtp"; input: RtpInput; control?: string };

/** With --auto, discovery decides (the beacon names the transport); else the options do. */
async function locateStream(options: ClientOptions, signal: AbortSignal): Promise<StreamSource> {
  if (!options.auto) {
    if (options.transport === "rtp") {
      return {
        kind: "rtp",
        input: {
          kind: "udp",
          address: options.rtpHost,
          port: options.rtpPort,
          multicastInterface: options.rtpInterface,
        },
        control: options.host === undefined
          ? undefined
          : new URL(offerUrl(options.host, options.signalPort)).origin,
      };
    }
    return { kind: "webrtc", offerUrl: offerUrl(options.host!, options.signalPort) };
  }
  const targets = options.discoveryAddresses ?? broadcastTargets(ipv4Interfaces());
  log.info(
    `Looking for rov-server${options.name ? ` "${options.name}"` : ""} (UDP ${options.discoveryPort})...`,
  );
  const found = await findServer({
    port: options.discoveryPort,
    targets,
    name: options.name,
    timeoutMs: options.discoveryTimeoutS * 1000,
    signal,
  });
  const b = found.beacon;
  const via = b.rtp ? `RTP ${b.rtp.address}:${b.rtp.port}` : "WebRTC";
  log.info(
    `Found rov-server "${b.name}" at ${found.address}: ${b.width}x${b.height}@${b.fps} ${b.codec} over ${via}`,
  );
  if (!b.rtp) return { kind: "webrtc", offerUrl: b.urls.offer };
  // Unicast RTP is addressed to this machine: listen on every address; multicast: join the group.
  const address = isMulticast(b.rtp.address) ? b.rtp.address : "0.0.0.0";
  return {
    kind: "rtp",
    input: { kind: "udp", address, port: b.rtp.port, multicastInterface: options.rtpInterface },
    control: new URL(b.urls.status).origin,
  };
}

/** Whether a window can be opened; Linux needs an X display. */
function canShowWindow(): boolean {
  if (hostOs() !== "linux") return true;
  return Boolean(Deno.env.get("DISPLAY") || Deno.env.get("WAYLAND_DISPLAY"));
}

async function main(args: string[]): Promise<number> {
  const options = parseClientOptions(args);
  if (options.help) {
    console.log(CLIENT_HELP);
    return 0;
  }
  if (options.version) {
    console.log(versionText(PROGRAM));
    return 0;
  }
  setLogLevel(options.verbose ? "debug" : "info");
  const startedAt = performance.now();
  if (options.doctor) return await clientDoctor(options);
  // Made in the background while GStreamer loads and discovery runs, ready for the offer.
  if (options.transport !== "rtp") void prepareCertificate();
  loadGStreamer(PROGRAM, options.transport ?? "webrtc");
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

  const stop = new AbortController();
  const signal = interrupted();
  const done = Promise.withResolvers<number>();
  void signal.promise.then(() => done.resolve(0));
  const stats = new StreamStats();
  const sequence = new SequenceTracker();
  let session: ReceiverSession | undefined;
  let control: RtpControl | undefined;
  let receiver: ReceiverPipeline | undefined;
  let lastPacket = 0;
  const records = options.statsJson ? await JsonLines.create(options.statsJson) : undefined;
  let frameHasKey = false;
  const status = setInterval(() => {
    const snap = stats.snapshot();
    console.log(formatStatus(snap, [decoder.element]));
    const measured = snap.latencyP50 !== undefined
      ? [snap.latencyP50, snap.latencyP95!]
      : snap.builtInP50 !== undefined
      ? [snap.builtInP50, snap.builtInP95!]
      : undefined;
    if (measured) {
      session?.reportLatency(measured[0], measured[1]);
      control?.reportLatency(measured[0], measured[1]);
    }
    if (lastPacket > 0 && performance.now() - lastPacket > SILENCE_MS) {
      done.reject(new Error(`rov-server stopped sending video (nothing for ${SILENCE_MS / 1000} s)`));
    }
  }, 1000);
  try {
    const source = await Promise.race([
      locateStream(options, stop.signal),
      done.promise.then(() => undefined),
    ]);
    if (source !== undefined) {
      let firstFrameLogged = false;
      if (source.kind === "rtp" && source.control) {
        control = new RtpControl(source.control, { signal: stop.signal });
        // Start at a keyframe made now instead of waiting up to a GOP for the next one.
        control.requestKeyFrame();
      }
      receiver = new ReceiverPipeline(
        {
          input: source.kind === "rtp" ? source.input : { kind: "appsrc" },
          decoder: decoder.element,
          latencyMs: options.latencyMs,
          lowLatency: options.lowLatency,
          sink,
        },
        {
          frameBytes: STAMP_HEIGHT * MAX_WIDTH,
          onFrame: (frame) => {
            stats.frame(frame.width, frame.height);
            const now = wallClockMs();
            const builtInMs = session?.captureTimes.latency(frame.pts, now) ??
              rtcpLatency(frame.ntpTime, control, now);
            if (builtInMs !== undefined) stats.builtIn(builtInMs);
            const stamp = frame.data && frame.width
              ? readStamp(frame.data, (frame.width + 3) & ~3)
              : undefined;
            const latencyMs = stamp === undefined ? undefined : now - unwrapStamp(stamp, now);
            if (latencyMs !== undefined) stats.latency(latencyMs);
            records?.write({
              frame: stats.frames,
              at: now,
              width: frame.width,
              height: frame.height,
              latencyMs,
              builtInMs,
              sentMs: session?.captureTimes.sentLatency(frame.pts),
              receivedMs: session?.captureTimes.receivedLatency(frame.pts),
            });
            if (!firstFrameLogged) {
              firstFrameLogged = true;
              log.info(
                `First frame ${frame.width}x${frame.height} after ${
                  Math.round(performance.now() - startedAt)
                } ms`,
              );
            }
            if (options.frames !== undefined && stats.frames >= options.frames) done.resolve(0);
          },
          onKey: (key) => {
            if (QUIT_KEYS.has(key)) done.resolve(0);
          },
          onDecodeTrouble: () => session?.requestKeyFrame() ?? control?.requestKeyFrame(),
          onError: (error) => done.reject(error),
        },
      );
      if (source.kind === "webrtc") {
        session = await connect(source.offerUrl, options, stop.signal, {
          onPacket: (packet) => {
            lastPacket = performance.now();
            frameHasKey ||= startsKeyFrame(packet);
            if (packet[1] & 0x80) { // the last packet of a frame
              const rtp = new DataView(packet.buffer, packet.byteOffset).getUint32(4);
              session?.captureTimes.frameReceived(rtp, wallClockMs());
              if (frameHasKey) session?.captureTimes.keyFrame(rtp);
              frameHasKey = false;
            }
            const lost = sequence.push(rtpSequence(packet));
            stats.packet(packet.byteLength, lost);
            if (lost > 0) session?.requestKeyFrame();
            receiver?.push(packet);
          },
          onFailure: (error) => done.reject(error),
        });
      }
      if (options.durationS !== undefined) setTimeout(() => done.resolve(0), options.durationS * 1000);
    }
    return await done.promise;
  } finally {
    stop.abort();
    clearInterval(status);
    signal.dispose();
    control?.close();
    await session?.close();
    await receiver?.close();
    await records?.close();
    if (stats.frames > 0) console.log(formatStatus(stats.snapshot(), [decoder.element, "done"]));
  }
}

/**
 * RTP transport: a frame's capture time is the server's NTP time from its RTCP sender reports
 * (carried on the frame by the jitter buffer), read on this clock through the clock exchange.
 */
function rtcpLatency(ntpTime: bigint | undefined, control: RtpControl | undefined, now: number) {
  const capture = ntpTime === undefined ? undefined : control?.clock.toLocal(ntpToUnixMs(ntpTime));
  return capture === undefined ? undefined : now - capture;
}

/** Connects over WebRTC through the server's /offer; connection failures reach `onFailure`. */
function connect(
  url: string,
  options: ClientOptions,
  signal: AbortSignal,
  handlers: { onPacket: (packet: Uint8Array<ArrayBuffer>) => void; onFailure: (error: Error) => void },
): Promise<ReceiverSession> {
  const serverHost = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const ice = {
    addresses: isLoopback(serverHost) ? ["127.0.0.1"] : hostAddresses("0.0.0.0", ipv4Interfaces()),
    stun: options.stun,
  };
  log.debug(`Offering to ${url} with host candidates ${ice.addresses.join(", ")}`);
  return ReceiverSession.connect((offer) => postOffer(url, offer, { signal }), {
    ice,
    signal,
    onPacket: handlers.onPacket,
    onState: (state) => {
      log.debug(`WebRTC ${state}`);
      if (state === "failed") {
        handlers.onFailure(
          new Error(`WebRTC connection to ${serverHost} failed (no media path: check --host and firewalls)`),
        );
      }
      if (state === "closed" && !signal.aborted) {
        handlers.onFailure(new Error("rov-server closed the connection"));
      }
    },
  });
}

if (import.meta.main) {
  await runMain(PROGRAM, () => main(Deno.args));
}
