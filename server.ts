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
import { OfferError } from "./lib/webrtc/h264_codec.ts";
import { hostAddresses, isWildcard } from "./lib/webrtc/ice_policy.ts";
import type { WebRtcEngineName, WebRtcServer } from "./lib/webrtc/engine.ts";
import { decideEngine } from "./lib/webrtc/engine_probe.ts";
import { GstServer } from "./lib/webrtc/gst_server.ts";
import type { WeriftServer } from "./lib/webrtc/werift_server.ts";
import { type SignallingBackend, signallingHandler, type ViewerKind } from "./lib/signalling/routes.ts";
import { RtpViewers } from "./lib/signalling/rtp_viewers.ts";
import { OfferRateLimit } from "./lib/signalling/offer_rate_limit.ts";
import { viewerPage } from "./lib/web/assets.ts";
import { SignallingError } from "./lib/signalling/session_description.ts";
import { streamSdp } from "./lib/signalling/stream_sdp.ts";
import { Announcer } from "./lib/discovery/announcer.ts";
import { type Beacon, PROTOCOL_VERSION, SERVICE } from "./lib/discovery/beacon.ts";
import { LoopLag } from "./lib/stats/loop_lag.ts";
import { serverDoctor } from "./lib/doctor/doctor.ts";
import { log, setLogLevel } from "./lib/log.ts";
import { versionText } from "./lib/version.ts";
import { type RtspOutput, rtspUrl, startRtsp } from "./lib/media/rtsp_output.ts";
import { Recorder, RecordingError } from "./lib/media/recorder.ts";
import { listVideoDevices } from "./lib/ffi/device_monitor.ts";
import { cameraChoice, deviceLines, listedDevices } from "./lib/media/device_list.ts";
import { chooseJpegDecoder } from "./lib/media/source.ts";
import { hasElement } from "./lib/ffi/gst.ts";
import type { CameraStream, MavlinkCamera } from "./lib/mavlink/mavlink_camera.ts";
import { mavlinkLabel, openMavlinkLink } from "./lib/mavlink/mavlink_endpoint.ts";

const PROGRAM = "rov-server";
/** Every timer this late for 100 ms: RTP cannot be encrypted and sent as fast as it comes. */
const OVERLOAD_LAG_MS = 30;
/** What the WebRTC path (werift, SRTP in JavaScript) carries without loss here: ~2,000 packets/s. */
export const WEBRTC_MAX_KBPS = 20_000;
const instanceId = crypto.randomUUID();

function ipv4Interfaces() {
  return Deno.networkInterfaces().filter((i) => i.family === "IPv4");
}

/** The server's resident size and JavaScript heap, MiB: what a long run with many viewers costs. */
function memoryMiB(): { resident: number; heap: number } {
  const { rss, heapUsed } = Deno.memoryUsage();
  return { resident: Math.round(rss / 2 ** 20), heap: Math.round(heapUsed / 2 ** 20) };
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
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Promise<Response>,
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

/**
 * Where the encode goes: a tee for webrtcbin viewers, the appsink for werift's fan-out, or the RTP
 * destination (on the interface of --host when given).
 */
function rtpOutput(options: ServerOptions, engine: WebRtcEngineName | undefined): RtpOutput {
  if (options.transport === "webrtc") return engine === "gstreamer" ? { kind: "tee" } : { kind: "appsink" };
  const byHost = isWildcard(options.host)
    ? undefined
    : Deno.networkInterfaces().find((i) => i.address === options.host)?.name;
  const iface = options.rtpInterface ?? (isMulticast(options.rtpHost) ? byHost : undefined);
  return { kind: "udp", host: options.rtpHost, port: options.rtpPort, ttl: 1, multicastInterface: iface };
}

/**
 * A camera the device monitor knows is opened in the cheapest mode for the requested size and rate
 * (its own H.264 sent as it is, unless an encoder is named); the choice and why are logged.
 */
async function withCameraMode(options: ServerOptions): Promise<ServerOptions> {
  const choice = cameraChoice(await listVideoDevices(), { ...options, h264: options.encoder === "auto" });
  if (!choice) return options;
  log.info(`Camera /dev/video${options.device}: ${choice.reason}`);
  const { kind, width, height, pixelFormat } = choice.format;
  return {
    ...options,
    passthrough: kind === "h264",
    cameraMode: { kind, width, height, fps: choice.fps, pixelFormat },
    jpegDecoder: chooseJpegDecoder(hasElement),
  };
}

async function main(args: string[]): Promise<number> {
  let options = parseServerOptions(args, Deno.hostname());
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
  if (options.listDevices) {
    loadGStreamer(PROGRAM, options.transport);
    const devices = await listVideoDevices();
    console.log(
      options.json ? JSON.stringify(listedDevices(devices), null, 2) : deviceLines(devices).join("\n"),
    );
    return 0;
  }
  loadGStreamer(PROGRAM, options.transport);
  await checkFile(options);
  const os = hostOs();
  if (options.source === "webcam" && os === "linux") options = await withCameraMode(options);
  const encoder = options.passthrough ? undefined : await chooseEncoder(options.encoder, gstRegistry());
  if (options.source === "rtsp" && options.passthrough) {
    log.info(
      `The IP camera's H.264 is sent as it comes: keyframes come at the camera's own interval (it cannot ` +
        `be asked for one), so a new viewer's picture may take that long (--encoder x264 re-encodes)`,
    );
  }
  const encoding = encoder
    ? {
      element: encoder.element,
      bitrateKbps: options.bitrateKbps,
      lowLatency: options.lowLatency,
      maxQuality: options.maxQuality,
    }
    : undefined;
  const profile = encoderProfile({ element: encoder?.element ?? "", maxQuality: options.maxQuality });
  const engine = options.transport === "webrtc"
    ? decideEngine(options.webrtcEngine, { loopingFile: options.source === "file" && options.loop })
    : undefined;
  if (engine?.unavailable) throw new CliError(engine.unavailable);
  const output = rtpOutput(options, engine?.engine);
  if (output.kind === "appsink" && !options.passthrough && options.bitrateKbps > WEBRTC_MAX_KBPS) {
    log.warn(
      `${options.bitrateKbps} kbit/s is more than the WebRTC path carries without loss here (about ` +
        `${WEBRTC_MAX_KBPS / 1000} Mbit/s with werift): use the gstreamer engine or --transport rtp`,
    );
  }

  const stop = new AbortController();
  const lag = new LoopLag();
  let sender: SenderPipeline | undefined;
  let webrtc: WebRtcServer | undefined;
  let werift: WeriftServer | undefined;
  let native: GstServer | undefined;
  let rtsp: RtspOutput | undefined;
  let recorder: Recorder | undefined;
  let camera: MavlinkCamera | undefined;
  const rtpViewers = new RtpViewers();
  const startedAt = Date.now();
  // Only rov-server's own pictures carry pixel stamps; a camera's or a file's never do.
  const stamps = options.source === "stamp" || options.source === "test";
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

  // What the MAVLink camera announces, with the address a ground station at `host`'s side can reach.
  const cameraStreams = (host: string): CameraStream[] => {
    const common = {
      width: options.width,
      height: options.height,
      fps: options.fps,
      bitrateKbps: options.bitrateKbps,
    };
    const streams: CameraStream[] = [];
    if (rtsp) streams.push({ name: "video (RTSP)", uri: rtspUrl(host, rtsp.port), ...common });
    if (output.kind === "udp") {
      streams.push({ name: "video (RTP)", uri: `udp://${output.host}:${output.port}`, ...common });
    }
    return streams;
  };

  // The browser viewer plays WebRTC; a plain-RTP server has none.
  const page = output.kind !== "udp"
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
      if (!sender || !webrtc) throw new SignallingError(503, "Stream is not running yet", { retryAfterS: 1 });
      if (webrtc.viewers().length >= options.maxViewers) {
        throw new SignallingError(
          503,
          `This server serves at most ${options.maxViewers} viewers (--max-viewers)`,
          {
            retryAfterS: 5,
          },
        );
      }
      try {
        return { ...await webrtc.answer(offer, kind), engine: webrtc.engine, stamps };
      } catch (error) {
        if (error instanceof OfferError) throw new SignallingError(400, error.message);
        throw error;
      }
    },
    hangUp: (id: string) => webrtc?.hangUp(id) ?? Promise.resolve(false),
    hasViewer: (id: string) => webrtc?.viewers().some((v) => v.id === id) ?? false,
    sourceState: () => sender?.sourceState ?? "live",
    streamSdp: () => sdpFor(isWildcard(options.host) ? "0.0.0.0" : options.host),
    requestKeyFrame: () => sender?.requestKeyFrame(),
    // Recording is a branch behind the tee, like a webrtcbin viewer's.
    recording: output.kind === "tee"
      ? {
        state: () => recorder?.state ?? { recording: false },
        async set(on: boolean) {
          if (!recorder) throw new SignallingError(503, "Stream is not running yet", { retryAfterS: 1 });
          try {
            return on ? await recorder.start() : await recorder.stop();
          } catch (error) {
            if (error instanceof RecordingError) throw new SignallingError(409, error.message);
            throw error;
          }
        },
      }
      : undefined,
    // A WebRTC viewer of the gstreamer engine reports over HTTP under its own id; others are RTP viewers.
    reportRtpLatency: (id, latency) => {
      if (!webrtc?.reportLatency(id, latency)) rtpViewers.report(id, latency);
    },
    status() {
      return {
        service: SERVICE,
        name: options.name,
        source: options.source,
        // A camera or --pipeline source that fails is retried: its state, failures and the last reason.
        sourceFaults: sender?.sourceFaults(),
        transport: options.transport,
        webrtcEngine: webrtc?.engine ?? null,
        passthrough: options.passthrough,
        // Whether a viewer's keyframe request makes one (an encoder does; a camera's H.264 does not).
        keyFramesOnRequest: encoder !== undefined,
        stamps,
        // Viewers' RTP timestamps are capture times (90 kHz, the server's wall clock, mod 2^32):
        // the browser page's latency figure.
        rtpClock: output.kind === "tee" ? "capture" : null,
        encoder: encoder?.element ?? null,
        profile,
        width: options.width,
        height: options.height,
        fps: options.fps,
        bitrateKbps: encoder ? options.bitrateKbps : null,
        lowLatency: options.lowLatency,
        rtp: output.kind === "udp" ? { address: output.host, port: output.port } : undefined,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        packetsEncoded: output.kind === "tee" ? null : sender?.packets ?? 0,
        framesEncoded: sender?.frames ?? 0,
        bytesEncoded: sender?.bytes ?? 0,
        keyFrameRequests: sender?.keyFrameRequests ?? 0,
        keyFramesSent: sender?.keyFramesSent ?? 0,
        eventLoopLagMs: Math.round(lag.lagMs),
        memoryMiB: memoryMiB(),
        overloadPauses: webrtc?.overloadPauses ?? 0,
        packetsShed: webrtc?.packetsShed ?? 0,
        viewers: webrtc?.viewers() ?? [],
        rtpViewers: output.kind === "udp" ? rtpViewers.current() : undefined,
        recording: recorder?.state ?? null,
        mavlink: camera ? { component: camera.component, requestsAnswered: camera.answered } : null,
        // RTSP's URLs (one per IPv4 address when bound to every interface) and its clients.
        rtsp: rtsp
          ? {
            urls: (isWildcard(options.host) ? ipv4Interfaces().map((i) => i.address) : [options.host])
              .map((host) => rtspUrl(host, rtsp!.port)),
            sessions: rtsp.sessions,
            sessionsStarted: rtsp.sessionsStarted,
          }
          : null,
      };
    },
  };

  const offerRate = new OfferRateLimit({
    perSecond: options.offerRate,
    burst: Math.max(10, options.offerRate * 5),
  });
  const http = listen(options, signallingHandler(backend, { offerRate }), stop.signal);
  const bound = await http.address;
  const failure = Promise.withResolvers<number>();
  try {
    sender = await SenderPipeline.start({
      ...options,
      os,
      encoder: encoding,
      passthrough: options.passthrough,
      output,
    }, {
      onPacket: (packet, pts) => werift?.push(packet, pts),
      onBranchError: (branch, message) => {
        native?.branchFailed(branch, message);
        recorder?.branchFailed(branch, message);
      },
      onError: (error) => failure.reject(error),
      onEnd: () => {
        log.info("End of file: stopping (without --no-loop the file loops)");
        failure.resolve(0);
      },
    });
    const requestKeyFrame = () => sender?.requestKeyFrame();
    if (output.kind === "tee") {
      webrtc = native = new GstServer({
        ice,
        profile,
        sender,
        requestKeyFrame,
        rtpTimestampOffset: () => sender?.captureRtpOffset(),
      });
    } else if (output.kind === "appsink") {
      // werift is loaded only when its engine runs (importing it costs ~300 ms).
      const { WeriftServer } = await import("./lib/webrtc/werift_server.ts");
      webrtc = werift = new WeriftServer({
        ice,
        profile,
        overloaded: () => lag.sustainedLagMs > OVERLOAD_LAG_MS,
        requestKeyFrame,
        captureWallMs: (pts) => sender?.captureWallMs(pts),
      });
    }
    // RTSP for QGroundControl and VLC, from the tee every webrtcbin viewer shares.
    rtsp = startRtsp(output.kind === "tee" ? sender : undefined, options.host, { port: options.rtspPort });
    if (output.kind === "tee") recorder = new Recorder(sender, options.recordDir);
    if (options.recordAtStart) {
      if (!recorder) {
        log.warn("Not recording: recording is fed from the gstreamer engine (not werift or RTP)");
      }
      await recorder?.start().catch((error) => {
        if (!(error instanceof RecordingError)) throw error;
        log.warn(`Not recording: ${error.message}`); // the stream goes on
      });
    }
    if (options.mavlink) {
      // node-mavlink is loaded only when the camera component runs (its message tables are large).
      const { addressFacing, MavlinkCamera } = await import("./lib/mavlink/mavlink_camera.ts");
      const link = await openMavlinkLink(options.mavlink, options.host);
      camera = new MavlinkCamera(link, {
        model: `${options.source} ${options.width}x${options.height}`,
        // Bound to one address, that is the one; on every interface, the one on the asker's network.
        streams: (peer) =>
          cameraStreams(
            isWildcard(options.host)
              ? addressFacing(
                peer,
                ipv4Interfaces(),
                ipv4Interfaces().find((i) => !i.address.startsWith("127."))?.address ?? "127.0.0.1",
              )
              : options.host,
          ),
      }, { sysid: options.mavlinkSysid });
    }
    if (options.sdpFile) {
      await Deno.writeTextFile(options.sdpFile, sdpFor(isWildcard(options.host) ? "0.0.0.0" : options.host)!);
    }
  } catch (error) {
    stop.abort();
    await http.server.finished;
    await camera?.close();
    await rtsp?.close();
    await recorder?.close();
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
      urls: {
        offer: `${base}/offer`,
        whep: `${base}/whep`,
        status: `${base}/api/status`,
        ...(rtsp ? { rtsp: rtspUrl(address, rtsp.port) } : {}),
      },
      transports: [options.transport],
      codec: "H264",
      width: options.width,
      height: options.height,
      fps: options.fps,
      stamps,
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
  const media = output.kind === "udp"
    ? `; RTP to ${output.host}:${output.port}`
    : `; WebRTC on the ${webrtc?.engine} engine`;
  log.info(
    `${PROGRAM} "${options.name}": ${options.source} ${options.width}x${options.height}@${options.fps} H.264 ` +
      `${encoder ? `${encoder.element} ${options.bitrateKbps} kbit/s` : "passthrough (no encoder)"}; ` +
      `signalling http://${urlHost(shown)}:${bound.port}/ (${
        page ? "browser viewer at /, " : ""
      }POST /offer, POST /whep, GET /api/status, GET /stream.sdp)` +
      media + (rtsp ? `; RTSP ${rtspUrl(shown, rtsp.port)}` : "") +
      (options.mavlink
        ? `; MAVLink camera on ${mavlinkLabel(options.mavlink)} (system ${options.mavlinkSysid})`
        : "") +
      (announcer ? `; discovery UDP ${options.discoveryPort}` : ""),
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
    await webrtc?.close();
    await camera?.close();
    await rtsp?.close();
    await recorder?.close();
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
