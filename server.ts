/**
 * rov-server: captures a camera, a file or a test pattern, encodes H.264 once, and sends it to every
 * viewer over WebRTC. Signalling on HTTP (POST /offer, WHEP), discovery by UDP broadcast.
 */
import { parseServerOptions, SERVER_HELP, type ServerOptions } from "./lib/cli/server_options.ts";
import { CliError } from "./lib/cli/cli_error.ts";
import { interrupted, runMain } from "./lib/cli/run_main.ts";
import { gstreamer, hasElement } from "./lib/ffi/gst.ts";
import { hostOs } from "./lib/ffi/library_path.ts";
import { chooseEncoder, ENCODER_ELEMENTS, encoderProfile } from "./lib/media/encoder.ts";
import { SenderPipeline } from "./lib/media/sender_pipeline.ts";
import { MediaError } from "./lib/media/media_error.ts";
import { RtpFanout } from "./lib/webrtc/rtp_fanout.ts";
import { LoopLag } from "./lib/stats/loop_lag.ts";
import { OfferError, Viewer } from "./lib/webrtc/viewer.ts";
import { hostAddresses, isWildcard } from "./lib/webrtc/ice_config.ts";
import { type SignallingBackend, signallingHandler, type ViewerKind } from "./lib/signalling/routes.ts";
import { SignallingError } from "./lib/signalling/session_description.ts";
import { Announcer } from "./lib/discovery/announcer.ts";
import { type Beacon, PROTOCOL_VERSION, SERVICE } from "./lib/discovery/beacon.ts";
import { log, setLogLevel } from "./lib/log.ts";
import { versionText } from "./lib/version.ts";

const PROGRAM = "rov-server";
const OVERLOAD_LAG_MS = 50;

function ipv4Interfaces() {
  return Deno.networkInterfaces().filter((i) => i.family === "IPv4");
}

function urlHost(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/** Checks what can be checked before opening anything: the file, an encoder. */
async function preflight(options: ServerOptions): Promise<string> {
  if (options.source === "file" && options.file) {
    const info = await Deno.stat(options.file).catch(() => undefined);
    if (!info) throw new MediaError(`Cannot open file ${options.file}: no such file`);
    if (!info.isFile) throw new MediaError(`Cannot open file ${options.file}: not a regular file`);
  }
  const encoder = chooseEncoder(hasElement);
  if (!encoder) {
    throw new MediaError(
      "No H.264 encoder: install gstreamer1.0-plugins-ugly (x264enc) or gstreamer1.0-plugins-bad (openh264enc)",
    );
  }
  return encoder;
}

function listen(
  options: ServerOptions,
  handler: (request: Request) => Promise<Response>,
  signal: AbortSignal,
) {
  try {
    const ready = Promise.withResolvers<Deno.NetAddr>();
    const server = Deno.serve({
      hostname: options.host,
      port: options.signalPort,
      signal,
      onListen: (addr) => ready.resolve(addr),
    }, handler);
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
  gstreamer();
  const encoder = await preflight(options);
  const os = hostOs();
  const stop = new AbortController();
  // Overload: timers more than 50 ms late mean RTP cannot be encrypted and sent as fast as it comes.
  const lag = new LoopLag();
  const fanout = new RtpFanout<Viewer>({
    overloaded: () => lag.lagMs > OVERLOAD_LAG_MS,
    onKeyFrameNeeded: () => sender?.requestKeyFrame(),
  });
  const startedAt = Date.now();
  let sender: SenderPipeline | undefined;
  const mediaOptions = { ...options, os, encoder: encoder as "x264" | "openh264" };
  const profile = encoderProfile({ ...mediaOptions });
  const ice = { addresses: hostAddresses(options.host, ipv4Interfaces()), stun: options.stun };

  const backend: SignallingBackend = {
    async answer(offer: string, kind: ViewerKind) {
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
    status() {
      return {
        service: SERVICE,
        name: options.name,
        source: options.source,
        encoder: ENCODER_ELEMENTS[mediaOptions.encoder],
        profile,
        width: options.width,
        height: options.height,
        fps: options.fps,
        bitrateKbps: options.bitrateKbps,
        lowLatency: options.lowLatency,
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
          connectedForS: Math.round((Date.now() - v.createdAt) / 1000),
        })),
      };
    },
  };

  const http = listen(options, signallingHandler(backend), stop.signal);
  const bound = await http.address;
  const failure = Promise.withResolvers<number>();
  try {
    sender = await SenderPipeline.start({ ...mediaOptions, loop: options.loop }, {
      onPacket: (packet) => fanout.push(packet),
      onError: (error) => failure.reject(error),
      onEnd: () => {
        log.info("End of file: stopping (use without --no-loop to loop)");
        failure.resolve(0);
      },
    });
  } catch (error) {
    stop.abort();
    await http.server.finished;
    throw error;
  }

  const beaconFor = (address: string): Beacon => {
    const base = `http://${urlHost(address)}:${bound.port}`;
    return {
      type: "beacon",
      service: SERVICE,
      version: PROTOCOL_VERSION,
      name: options.name,
      id: instanceId,
      urls: { offer: `${base}/offer`, whep: `${base}/whep`, status: `${base}/api/status` },
      transports: ["webrtc"],
      codec: "H264",
      width: options.width,
      height: options.height,
      fps: options.fps,
    };
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
  log.info(
    `${PROGRAM} "${options.name}": ${options.source} ${options.width}x${options.height}@${options.fps} H.264 ` +
      `${ENCODER_ELEMENTS[mediaOptions.encoder]} ${options.bitrateKbps} kbit/s; signalling http://${
        urlHost(shown)
      }:${bound.port}/ ` +
      `(POST /offer, POST /whep, GET /api/status)` +
      (announcer ? `; discovery UDP ${options.discoveryPort}` : ""),
  );

  const signal = interrupted();
  let code = 0;
  try {
    const reason = await Promise.race([signal.promise.then(() => 0), failure.promise]);
    code = reason;
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

const instanceId = crypto.randomUUID();

if (import.meta.main) {
  await runMain(PROGRAM, () => main(Deno.args));
}
