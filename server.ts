/**
 * rov-server: captures a camera, a file or a test pattern, encodes H.264 once (or passes a file's
 * H.264 through), and sends it to every viewer over WebRTC, or as plain RTP/UDP with --transport rtp.
 * Signalling on HTTP (POST /offer, WHEP, /stream.sdp), discovery by UDP broadcast.
 */
import { parseServerOptions, SERVER_HELP, type ServerOptions } from "./lib/cli/server_options.ts";
import { CliError } from "./lib/cli/cli_error.ts";
import { interrupted, runMain } from "./lib/cli/run_main.ts";
import { loadGStreamer } from "./lib/media/launch.ts";
import { hostOs } from "./lib/ffi/library_path.ts";
import { encoderProfile } from "./lib/media/encoder.ts";
import { chooseEncoder } from "./lib/media/codec_choice.ts";
import { gstRegistry } from "./lib/media/codec_probe.ts";
import { h264Level, profileLevelId } from "./lib/media/h264.ts";
import { RTP_PAYLOAD_TYPE, type RtpOutput } from "./lib/media/sender.ts";
import { SenderPipeline } from "./lib/media/sender_pipeline.ts";
import { MediaError } from "./lib/media/media_error.ts";
import { isMulticast } from "./lib/media/receiver.ts";
import { RtpFanout } from "./lib/webrtc/rtp_fanout.ts";
import { OfferError, Viewer } from "./lib/webrtc/viewer.ts";
import { hostAddresses, isWildcard, prepareCertificate } from "./lib/webrtc/ice_config.ts";
import { type SignallingBackend, signallingHandler, type ViewerKind } from "./lib/signalling/routes.ts";
import { RtpViewers } from "./lib/signalling/rtp_viewers.ts";
import { viewerPage } from "./lib/web/assets.ts";
import { SignallingError } from "./lib/signalling/session_description.ts";
import { streamSdp } from "./lib/signalling/stream_sdp.ts";
import { Announcer } from "./lib/discovery/announcer.ts";
import { type Beacon, PROTOCOL_VERSION, SERVICE } from "./lib/discovery/beacon.ts";
import { LoopLag } from "./lib/stats/loop_lag.ts";
import { serverDoctor } from "./lib/doctor/doctor.ts";
import { log, setLogLevel } from "./lib/log.ts";
import { versionText } from "./lib/version.ts";
import { wallClockMs } from "./lib/wall_clock.ts";

const PROGRAM = "rov-server";
/** Every timer this late for 100 ms: RTP cannot be encrypted and sent as fast as it comes. */
const OVERLOAD_LAG_MS = 30;
/** What the WebRTC path (werift, SRTP in JavaScript) carries without loss here: ~2,000 packets/s. */
export const WEBRTC_MAX_KBPS = 20_000;
const instanceId = crypto.randomUUID();

function ipv4Interfaces() {
  return Deno.networkInterfaces().filter((i) => i.family === "IPv4");
}

function urlHost(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

async function checkFile(options: ServerOptions): Promise<void> {
  if (options.source !== "file" || !options.file) return;
  const info = await Deno.stat(options.file).catch(() => undefined);
  if (!info) throw new MediaError(`Cannot open file ${options.file}: no such file`);
  if (!info.isFile) throw new MediaError(`Cannot open file ${options.file}: not a regular file`);
}

function listen(
  options: ServerOptions,
  handler: (request: Request) => Promise<Response>,
  signal: AbortSignal,
) {
  try {
    const ready = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve(
      { hostname: options.host, port: options.signalPort, signal, onListen: (addr) => ready.resolve(addr) },
      handler,
    );
    return { server, address: ready.promise };
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new CliError(
        `Cannot listen on ${options.host}:${options.signalPort}: port in use (choose another --signal-port)`,
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new CliError(`Cannot listen on ${options.host}: no such address on this machine (check --host)`);
    }
    throw error;
  }
}

/** Where RTP goes: the appsink (WebRTC) or the RTP destination, on the interface of --host when given. */
function rtpOutput(options: ServerOptions): RtpOutput {
  if (options.transport === "webrtc") return { kind: "appsink" };
  const byHost = isWildcard(options.host)
    ? undefined
    : Deno.networkInterfaces().find((i) => i.address === options.host)?.name;
  const iface = options.rtpInterface ?? (isMulticast(options.rtpHost) ? byHost : undefined);
  return { kind: "udp", host: options.rtpHost, port: options.rtpPort, ttl: 1, multicastInterface: iface };
}

async function main(args: string[]): Promise<number> {
  const options = parseServerOptions(args, Deno.hostname());
  if (options.help) {
    console.log(SERVER_HELP);
    return 0;
  }
  if (options.version) {
    console.log(versionText(PROGRAM));
    return 0;
  }
  setLogLevel(options.verbose ? "debug" : "info");
  if (options.doctor) return await serverDoctor(options);
  loadGStreamer(PROGRAM, options.transport);
  await checkFile(options);
  const os = hostOs();
  const encoder = options.filePassthrough ? undefined : await chooseEncoder(options.encoder, gstRegistry());
  const encoding = encoder
    ? {
      element: encoder.element,
      bitrateKbps: options.bitrateKbps,
      lowLatency: options.lowLatency,
      maxQuality: options.maxQuality,
    }
    : undefined;
  const profile = encoderProfile({ element: encoder?.element ?? "", maxQuality: options.maxQuality });
  const output = rtpOutput(options);
  if (options.transport === "webrtc" && !options.filePassthrough && options.bitrateKbps > WEBRTC_MAX_KBPS) {
    log.warn(
      `${options.bitrateKbps} kbit/s is more than the WebRTC path carries without loss here (about ` +
        `${WEBRTC_MAX_KBPS / 1000} Mbit/s): use --transport rtp for high bitrates`,
    );
  }

  // The DTLS certificate is made while the pipeline starts, not when the first viewer is waiting.
  if (options.transport === "webrtc") void prepareCertificate();
  const stop = new AbortController();
  const lag = new LoopLag();
  let sender: SenderPipeline | undefined;
  const fanout = new RtpFanout<Viewer>({
    overloaded: () => lag.sustainedLagMs > OVERLOAD_LAG_MS,
    onKeyFrameNeeded: () => sender?.requestKeyFrame(),
  });
  const rtpViewers = new RtpViewers();
  const startedAt = Date.now();
  const ice = { addresses: hostAddresses(options.host, ipv4Interfaces()), stun: options.stun };
  const level = h264Level(options.width || 1920, options.height || 1080, options.fps);
  const sdpFor = (origin: string) =>
    output.kind === "udp"
      ? streamSdp({
        address: output.host,
        port: output.port,
        ttl: output.ttl,
        payloadType: RTP_PAYLOAD_TYPE,
        profileLevelId: profileLevelId(profile, level),
        origin,
        name: options.name,
      })
      : undefined;

  // The browser viewer plays WebRTC; a plain-RTP server has none.
  const page = output.kind === "appsink"
    ? await viewerPage().catch((error) => {
      log.info(`No browser viewer at /: ${error instanceof Error ? error.message : error}`);
      return undefined;
    })
    : undefined;
  const backend: SignallingBackend = {
    viewerPage: page,
    async answer(offer: string, kind: ViewerKind) {
      if (output.kind === "udp") {
        throw new SignallingError(
          409,
          "This server sends plain RTP (--transport rtp): use rov-client --transport rtp or /stream.sdp",
        );
      }
      if (!sender) throw new SignallingError(503, "Stream is not running yet");
      try {
        const { viewer, answer } = await Viewer.answer(offer, {
          ice,
          profile,
          kind,
          onKeyFrameNeeded: () => sender?.requestKeyFrame(),
          onClosed: (v) => {
            if (fanout.remove(v.id)) {
              log.info(`Viewer ${v.id.slice(0, 8)} left (${fanout.viewers.length} watching)`);
            }
          },
        });
        fanout.add(viewer);
        log.info(
          `Viewer ${viewer.id.slice(0, 8)} joined via ${
            kind === "whep" ? "WHEP" : "/offer"
          } (${fanout.viewers.length} watching)`,
        );
        return { id: viewer.id, answer };
      } catch (error) {
        if (error instanceof OfferError) throw new SignallingError(400, error.message);
        throw error;
      }
    },
    async hangUp(id: string) {
      const viewer = fanout.get(id);
      if (!viewer) return false;
      await viewer.close();
      return true;
    },
    streamSdp: () => sdpFor(isWildcard(options.host) ? "0.0.0.0" : options.host),
    requestKeyFrame: () => sender?.requestKeyFrame(),
    reportRtpLatency: (id, latency) => rtpViewers.report(id, latency),
    status() {
      return {
        service: SERVICE,
        name: options.name,
        source: options.source,
        transport: options.transport,
        passthrough: options.filePassthrough,
        encoder: encoder?.element ?? null,
        profile,
        width: options.width,
        height: options.height,
        fps: options.fps,
        bitrateKbps: encoder ? options.bitrateKbps : null,
        lowLatency: options.lowLatency,
        rtp: output.kind === "udp" ? { address: output.host, port: output.port } : undefined,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        packetsEncoded: sender?.packets ?? 0,
        bytesEncoded: sender?.bytes ?? 0,
        keyFramesSent: sender?.keyFramesSent ?? 0,
        eventLoopLagMs: Math.round(lag.lagMs),
        overloadPauses: fanout.pauses,
        packetsShed: fanout.packetsShed,
        viewers: fanout.viewers.map((v) => ({
          id: v.id,
          kind: v.kind,
          state: v.state,
          bytesSent: v.bytesSent,
          packetsSent: v.packetsSent,
          packetsDropped: v.packetsDropped,
          keyFramesRequested: v.keyFramesRequested,
          paused: fanout.isPaused(v.id),
          latency: v.latency,
          connectedForS: Math.round((Date.now() - v.createdAt) / 1000),
        })),
        rtpViewers: output.kind === "udp" ? rtpViewers.current() : undefined,
      };
    },
  };

  const http = listen(options, signallingHandler(backend), stop.signal);
  const bound = await http.address;
  const failure = Promise.withResolvers<number>();
  try {
    sender = await SenderPipeline.start({
      ...options,
      os,
      encoder: encoding,
      passthrough: options.filePassthrough,
      output,
    }, {
      onPacket: (packet, pts) => {
        fanout.push(packet);
        // The end of a frame: tell viewers when it was captured, for their built-in latency figure.
        if (packet[1] & 0x80 && pts !== undefined && fanout.viewers.length > 0) {
          const capture = sender?.captureWallMs(pts);
          const rtp = new DataView(packet.buffer, packet.byteOffset).getUint32(4);
          if (capture !== undefined) {
            const sent = wallClockMs();
            for (const viewer of fanout.viewers) viewer.sendCaptureTime(rtp, capture, sent);
          }
        }
      },
      onError: (error) => failure.reject(error),
      onEnd: () => {
        log.info("End of file: stopping (without --no-loop the file loops)");
        failure.resolve(0);
      },
    });
    if (options.sdpFile) {
      await Deno.writeTextFile(options.sdpFile, sdpFor(isWildcard(options.host) ? "0.0.0.0" : options.host)!);
    }
  } catch (error) {
    stop.abort();
    await http.server.finished;
    await sender?.close();
    lag.close();
    throw error;
  }

  const beaconFor = (address: string): Beacon => {
    const base = `http://${urlHost(address)}:${bound.port}`;
    const beacon: Beacon = {
      type: "beacon",
      service: SERVICE,
      version: PROTOCOL_VERSION,
      name: options.name,
      id: instanceId,
      urls: { offer: `${base}/offer`, whep: `${base}/whep`, status: `${base}/api/status` },
      transports: [options.transport],
      codec: "H264",
      width: options.width,
      height: options.height,
      fps: options.fps,
    };
    if (output.kind === "udp") {
      beacon.rtp = {
        address: output.host,
        port: output.port,
        payloadType: RTP_PAYLOAD_TYPE,
        encoding: "H264",
        clockRate: 90000,
        sdp: `${base}/stream.sdp`,
      };
    }
    return beacon;
  };
  const announcer = options.discovery
    ? new Announcer({
      port: options.discoveryPort,
      host: options.host,
      beacon: beaconFor,
      interfaces: ipv4Interfaces,
    })
    : undefined;

  const shown = isWildcard(options.host) ? "0.0.0.0" : options.host;
  const media = output.kind === "udp" ? `; RTP to ${output.host}:${output.port}` : "";
  log.info(
    `${PROGRAM} "${options.name}": ${options.source} ${options.width}x${options.height}@${options.fps} H.264 ` +
      `${encoder ? `${encoder.element} ${options.bitrateKbps} kbit/s` : "passthrough (no encoder)"}; ` +
      `signalling http://${urlHost(shown)}:${bound.port}/ (${
        page ? "browser viewer at /, " : ""
      }POST /offer, POST /whep, GET /api/status, GET /stream.sdp)` +
      media + (announcer ? `; discovery UDP ${options.discoveryPort}` : ""),
  );

  const signal = interrupted();
  let code = 0;
  try {
    code = await Promise.race([signal.promise.then(() => 0), failure.promise]);
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    code = 1;
  } finally {
    signal.dispose();
    // Teardown: viewers first (they hold sockets), then discovery, HTTP, and the pipeline.
    await fanout.close();
    await announcer?.close();
    stop.abort();
    await http.server.finished;
    await sender.close();
    lag.close();
  }
  return code;
}

if (import.meta.main) {
  await runMain(PROGRAM, () => main(Deno.args));
}
