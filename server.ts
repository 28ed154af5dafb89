/**
 * rov-server: captures a camera, a file or a test pattern, encodes H.264 once (or passes a file's
 * H.264 through), and sends it to every viewer over WebRTC, or as plain RTP/UDP with --transport rtp.
 * Signalling on HTTP (POST /offer, WHEP, /stream.sdp), discovery by UDP broadcast.
 */
import { parseServerOptions, SERVER_HELP, type ServerOptions } from "./lib/cli/server_options.ts";
import { CliError } from "./lib/cli/cli_error.ts";
import { accessToken, readText } from "./lib/cli/access_options.ts";
import { interrupted, runMain } from "./lib/cli/run_main.ts";
import { loadGStreamer } from "./lib/media/launch.ts";
import { hostOs } from "./lib/ffi/library_path.ts";
import { h264Level, profileLevelId } from "./lib/media/h264.ts";
import { RTP_PAYLOAD_TYPE } from "./lib/media/sender.ts";
import { hostAddresses, isLoopback, isWildcard } from "./lib/webrtc/ice_policy.ts";
import { decideEngine } from "./lib/webrtc/engine_probe.ts";
import { type SignallingBackend, signallingHandler, type ViewerKind } from "./lib/signalling/routes.ts";
import { RtpViewers } from "./lib/signalling/rtp_viewers.ts";
import { OfferRateLimit } from "./lib/signalling/offer_rate_limit.ts";
import { viewerPage } from "./lib/web/assets.ts";
import { SignallingError } from "./lib/signalling/session_description.ts";
import { streamSdp } from "./lib/signalling/stream_sdp.ts";
import { Announcer } from "./lib/discovery/announcer.ts";
import { type Beacon, MAX_BEACON_STREAMS, PROTOCOL_VERSION, SERVICE } from "./lib/discovery/beacon.ts";
import { rtpOutput, ServedStream } from "./lib/streams/served_stream.ts";
import { DEFAULT_STREAM } from "./lib/signalling/stream_name.ts";
import { LoopLag } from "./lib/stats/loop_lag.ts";
import { serverDoctor } from "./lib/doctor/doctor.ts";
import { log, setLogLevel } from "./lib/log.ts";
import { versionText } from "./lib/version.ts";
import { RTSP_USER, rtspCredentials, type RtspOutput, rtspUrl, startRtsp } from "./lib/media/rtsp_output.ts";
import { RecordingError } from "./lib/media/recorder.ts";
import { listVideoDevices } from "./lib/ffi/device_monitor.ts";
import { dtlsCertificateSettled, prepareDtlsCertificate } from "./lib/ffi/webrtc_bin.ts";
import { deviceLines, listedDevices } from "./lib/media/device_list.ts";
import type { CameraStream, MavlinkCamera } from "./lib/mavlink/mavlink_camera.ts";
import { mavlinkLabel, openMavlinkLink } from "./lib/mavlink/mavlink_endpoint.ts";

const PROGRAM = "rov-server";
/** Every timer this late for 100 ms: RTP cannot be encrypted and sent as fast as it comes. */
const OVERLOAD_LAG_MS = 30;
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

function listen(
  options: ServerOptions,
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Promise<Response>,
  context: { signal: AbortSignal; tls?: { cert: string; key: string } },
) {
  try {
    const ready = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve(
      {
        hostname: options.host,
        port: options.signalPort,
        signal: context.signal,
        onListen: (addr) => ready.resolve(addr),
        ...context.tls,
      },
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
  if (options.listDevices) {
    loadGStreamer(PROGRAM, options.transport);
    const devices = await listVideoDevices();
    console.log(
      options.json ? JSON.stringify(listedDevices(devices), null, 2) : deviceLines(devices).join("\n"),
    );
    return 0;
  }
  loadGStreamer(PROGRAM, options.transport);
  const os = hostOs();
  const token = await accessToken(options);
  const tls = options.tlsCert && options.tlsKey
    ? {
      cert: await readText(options.tlsCert, "--tls-cert"),
      key: await readText(options.tlsKey, "--tls-key"),
    }
    : undefined;
  if (token === undefined && !isLoopback(options.host)) {
    log.info(
      `No --token: anyone who can reach ${
        isWildcard(options.host) ? "this machine" : options.host
      } on the LAN can watch and start sessions`,
    );
  }
  const wanted = [options, ...options.streams];
  const engine = options.transport === "webrtc" ? decideEngine(options.webrtcEngine) : undefined;
  if (engine?.unavailable) throw new CliError(engine.unavailable);
  // The DTLS certificate (0.2–0.5 s of RSA on another thread) is made while the source starts.
  if (engine?.engine === "gstreamer") void prepareDtlsCertificate();

  const stop = new AbortController();
  const lag = new LoopLag();
  /** Every stream, the first (the default) first; filled as each starts. */
  const streams: ServedStream[] = [];
  let starting = true;
  let rtsp: RtspOutput | undefined;
  let camera: MavlinkCamera | undefined;
  const rtpViewers = new RtpViewers();
  const startedAt = Date.now();
  const ice = { addresses: hostAddresses(options.host, ipv4Interfaces()), stun: options.stun };
  const output = rtpOutput(options, engine?.engine);
  /** Where plain RTP goes: --transport rtp's destination, else the first --rtp (undefined: none). */
  const rtpOut = () => output.kind === "udp" ? output : streams[0]?.rtpOutputs[0];
  /** The SDP of `stream`'s first plain RTP output (the first stream: rtpOut). */
  const sdpFor = (origin: string, stream?: string) => {
    const served = stream === undefined ? streams[0] : streamNamed(stream);
    const rtp = served === streams[0] ? rtpOut() : served.rtpOutputs[0];
    const o = served?.options ?? options;
    return rtp
      ? streamSdp({
        address: rtp.host,
        port: rtp.port,
        ttl: rtp.ttl,
        payloadType: RTP_PAYLOAD_TYPE,
        profileLevelId: profileLevelId(
          served?.profile ?? "constrained-baseline",
          h264Level(o.width || 1920, o.height || 1080, o.fps),
        ),
        origin,
        name: served === streams[0] ? options.name : `${options.name} ${served.name}`,
      })
      : undefined;
  };
  /** The stream of that name (undefined: the first); SignallingError when there is none. */
  const streamNamed = (name: string | undefined): ServedStream => {
    const stream = name === undefined ? streams[0] : streams.find((s) => s.name === name);
    if (stream) return stream;
    if (starting) throw new SignallingError(503, "Stream is not running yet", { retryAfterS: 1 });
    throw new SignallingError(
      404,
      `No stream "${name}" here (streams: ${streams.map((s) => s.name).join(", ")})`,
    );
  };
  const streamOfViewer = (id: string) => streams.find((s) => s.hasViewer(id));

  // What the MAVLink camera announces, with the address a ground station at `host`'s side can reach.
  const cameraStreams = (host: string): CameraStream[] =>
    streams.flatMap((stream) => {
      const common = {
        width: stream.options.width,
        height: stream.options.height,
        fps: stream.options.fps,
        bitrateKbps: stream.options.bitrateKbps,
      };
      const list: CameraStream[] = [];
      if (rtsp?.serves(stream.name)) {
        list.push({ name: `${stream.name} (RTSP)`, uri: rtspUrl(host, rtsp.port, stream.name), ...common });
      }
      for (const rtp of stream.output.kind === "udp" ? [stream.output] : stream.rtpOutputs) {
        list.push({ name: `${stream.name} (RTP)`, uri: `udp://${rtp.host}:${rtp.port}`, ...common });
      }
      return list;
    });

  // The browser viewer plays WebRTC; a plain-RTP server has none.
  const page = output.kind !== "udp"
    ? await viewerPage().catch((error) => {
      log.info(`No browser viewer at /: ${error instanceof Error ? error.message : error}`);
      return undefined;
    })
    : undefined;
  const recorders = () => streams.flatMap((s) => s.recorder ? [s.recorder] : []);
  const backend: SignallingBackend = {
    viewerPage: page,
    answer: (offer: string, kind: ViewerKind, name?: string) => streamNamed(name).answer(offer, kind),
    async hangUp(id: string) {
      const stream = streamOfViewer(id);
      return (await stream?.webrtc?.hangUp(id)) ?? false;
    },
    hasViewer: (id: string) => streamOfViewer(id) !== undefined,
    sourceState: (id: string) => streamOfViewer(id)?.sender.sourceState ?? "live",
    streamSdp: (stream) => sdpFor(isWildcard(options.host) ? "0.0.0.0" : options.host, stream),
    requestKeyFrame: (name?: string) => streamNamed(name).sender.requestKeyFrame(),
    // Recording is a branch behind each stream's tee, like a webrtcbin viewer's: every camera at once.
    recording: engine?.engine === "gstreamer"
      ? {
        state: () => streams[0]?.recorder?.state ?? { recording: false },
        async set(on: boolean) {
          const [first, ...others] = recorders();
          if (!first) throw new SignallingError(503, "Stream is not running yet", { retryAfterS: 1 });
          try {
            const state = on ? await first.start() : await first.stop();
            for (const recorder of others) await (on ? recorder.start() : recorder.stop());
            return state;
          } catch (error) {
            if (error instanceof RecordingError) throw new SignallingError(409, error.message);
            throw error;
          }
        },
      }
      : undefined,
    // A WebRTC viewer of the gstreamer engine reports over HTTP under its own id; others are RTP viewers.
    reportRtpLatency: (id, latency) => {
      if (!streams.some((s) => s.reportLatency(id, latency))) rtpViewers.report(id, latency);
    },
    status() {
      const first = streams[0]?.status() ?? {};
      return {
        service: SERVICE,
        name: options.name,
        transport: options.transport,
        // The first stream's figures at the top, as before streams had names; each in `streams`.
        ...first,
        rtp: rtpOut() ? { address: rtpOut()!.host, port: rtpOut()!.port } : undefined,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        eventLoopLagMs: Math.round(lag.lagMs),
        memoryMiB: memoryMiB(),
        rtpViewers: rtpOut() ? rtpViewers.current() : undefined,
        mavlink: camera ? { component: camera.component, requestsAnswered: camera.answered } : null,
        // RTSP's URLs (one per IPv4 address when bound to every interface) and its clients.
        rtsp: rtsp
          ? {
            urls: (isWildcard(options.host) ? ipv4Interfaces().map((i) => i.address) : [options.host])
              .map((host) => rtspUrl(host, rtsp!.port, streams[0]?.name)),
            sessions: rtsp.sessions,
            sessionsStarted: rtsp.sessionsStarted,
          }
          : null,
        streams: streams.map((s) => ({
          ...s.status(),
          rtsp: rtsp?.serves(s.name) ? rtspUrl(shownHost, rtsp.port, s.name) : null,
        })),
      };
    },
  };
  const shownHost = isWildcard(options.host) ? "0.0.0.0" : options.host;

  const offerRate = new OfferRateLimit({
    perSecond: options.offerRate,
    burst: Math.max(10, options.offerRate * 5),
  });
  const http = listen(options, signallingHandler(backend, { offerRate, token }), {
    signal: stop.signal,
    tls,
  });
  const scheme = tls ? "https" : "http";
  const bound = await http.address;
  const failure = Promise.withResolvers<number>();
  const context = {
    os,
    ice,
    engine: engine?.engine,
    overloaded: () => lag.sustainedLagMs > OVERLOAD_LAG_MS,
    onFailure: (error: Error | 0) => error === 0 ? failure.resolve(0) : failure.reject(error),
  };
  try {
    for (const wish of wanted) {
      const started = await ServedStream.start(wish, context).catch((error) => {
        if (wanted.length > 1 && error instanceof Error) {
          error.message = `Stream "${wish.streamName}": ${error.message}`;
        }
        throw error;
      });
      streams.push(started);
    }
    starting = false;
    // RTSP for QGroundControl and VLC, from the tee every webrtcbin viewer of each stream shares.
    // With a token, RTSP clients sign in by Digest (what they all speak; Bearer they do not).
    rtsp = startRtsp(
      streams.flatMap((s) => s.output.kind === "tee" ? [{ name: s.name, feed: s.sender }] : []),
      options.host,
      { port: options.rtspPort, credentials: rtspCredentials(token) },
    );
    if (options.recordAtStart) {
      if (recorders().length === 0) {
        log.warn("Not recording: recording is fed from the gstreamer engine (not werift or RTP)");
      }
      for (const recorder of recorders()) {
        await recorder.start().catch((error) => {
          if (!(error instanceof RecordingError)) throw error;
          log.warn(`Not recording: ${error.message}`); // the stream goes on
        });
      }
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
    for (const stream of streams) await stream.close();
    lag.close();
    throw error;
  }
  const [main] = streams;

  const beaconFor = (address: string): Beacon => {
    const base = `${scheme}://${urlHost(address)}:${bound.port}`;
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
        ...(rtsp?.serves(main.name) ? { rtsp: rtspUrl(address, rtsp.port, main.name) } : {}),
      },
      // WebRTC, and plain RTP where it is sent too (--rtp): rov-client --auto picks (--prefer);
      // "janus": the stream is also forwarded to a Janus mountpoint (--forward), whose viewers Janus serves.
      transports: output.kind === "udp" ? ["rtp"] : [
        "webrtc",
        ...(main.rtpOutputs.length > 0 ? ["rtp"] : []),
        ...(main.forwards.length > 0 ? ["janus"] : []),
      ],
      codec: "H264",
      width: main.options.width,
      height: main.options.height,
      fps: main.options.fps,
      stamps: main.stamps,
    };
    if (streams.length > 1 || main.name !== DEFAULT_STREAM) {
      beacon.streams = streams.slice(0, MAX_BEACON_STREAMS).map((s) => ({
        name: s.name,
        width: s.options.width,
        height: s.options.height,
        fps: s.options.fps,
        whep: `${base}/whep/${s.name}`,
        ...(rtsp?.serves(s.name) ? { rtsp: rtspUrl(address, rtsp.port, s.name) } : {}),
      }));
    }
    const rtp = rtpOut();
    if (rtp) {
      beacon.rtp = {
        address: rtp.host,
        port: rtp.port,
        payloadType: RTP_PAYLOAD_TYPE,
        encoding: "H264",
        clockRate: 90000,
        sdp: `${base}/stream.sdp`,
      };
    }
    return beacon;
  };
  // Ready means a viewer is answered at once: not before the certificate is made.
  await dtlsCertificateSettled();
  const announcer = options.discovery
    ? new Announcer({
      port: options.discoveryPort,
      host: options.host,
      beacon: beaconFor,
      interfaces: ipv4Interfaces,
    })
    : undefined;

  /** A stream's plain RTP outputs and forwards, for its log line. */
  const outputsOf = (s: ServedStream) =>
    s.rtpOutputs.map((o) => `; RTP to ${o.host}:${o.port}`).join("") +
    s.forwards.map(({ target: t }) => `; forward to Janus ${t.host}:${t.port} (RTCP ${t.rtcpPort})`).join("");
  const media = output.kind === "udp"
    ? `; RTP to ${output.host}:${output.port}`
    : `; WebRTC on the ${main.webrtc?.engine} engine` + outputsOf(main);
  const encoding = (s: ServedStream) =>
    `${s.options.source} ${s.options.width}x${s.options.height}@${s.options.fps} H.264 ` +
    (s.encoder ? `${s.encoder.element} ${s.options.bitrateKbps} kbit/s` : "passthrough (no encoder)");
  // The token is never logged: it is named, not shown.
  const signIn = token === undefined ? "" : ` (user ${RTSP_USER}, the token as password)`;
  log.info(
    `${PROGRAM} "${options.name}": ${encoding(main)}; ` +
      `signalling ${scheme}://${urlHost(shownHost)}:${bound.port}/ (${
        page ? "browser viewer at /, " : ""
      }POST /offer, POST /whep, GET /api/status, GET /stream.sdp)` +
      media + (rtsp?.serves(main.name) ? `; RTSP ${rtspUrl(shownHost, rtsp.port, main.name)}${signIn}` : "") +
      (options.mavlink
        ? `; MAVLink camera on ${mavlinkLabel(options.mavlink)} (system ${options.mavlinkSysid})`
        : "") +
      (announcer ? `; discovery UDP ${options.discoveryPort}` : ""),
  );
  for (const stream of streams.slice(1)) {
    log.info(
      `Stream "${stream.name}": ${encoding(stream)}; POST /whep/${stream.name}` + outputsOf(stream) +
        (rtsp?.serves(stream.name) ? `; RTSP ${rtspUrl(shownHost, rtsp.port, stream.name)}` : ""),
    );
  }

  const signal = interrupted();
  let code = 0;
  try {
    code = await Promise.race([signal.promise.then(() => 0), failure.promise]);
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    code = 1;
  } finally {
    signal.dispose();
    // Teardown: viewers first (they hold sockets), then discovery, HTTP, and the pipelines.
    for (const stream of streams) await stream.webrtc?.close();
    await camera?.close();
    await rtsp?.close();
    await announcer?.close();
    stop.abort();
    await http.server.finished;
    for (const stream of streams) await stream.close();
    lag.close();
  }
  return code;
}

if (import.meta.main) {
  await runMain(PROGRAM, () => main(Deno.args), { beforeExit: dtlsCertificateSettled });
}
