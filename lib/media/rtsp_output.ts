/**
 * RTSP for QGroundControl, VLC and ffmpeg: gst-rtsp-server (lib/ffi/rtsp_server.ts) serves
 * `rtsp://HOST:PORT/video` (and `/NAME` for each further stream) from the one encode every other
 * viewer gets. A branch behind the sender's
 * tee sends the stream as RTP to a loopback port of the server's own; the RTSP mount's pipeline reads
 * it there and gives it to each RTSP client (UDP or TCP-interleaved), so no second encode runs and
 * RTSP clients cost the sender nothing more than one branch.
 */
import type { Branch } from "../ffi/branch.ts";
import { hasRtspServer, type RtspCredentials, RtspServer } from "../ffi/rtsp_server.ts";
import { GstError } from "../ffi/gst.ts";
import { freeUdpPort } from "../free_port.ts";
import { log } from "../log.ts";
import type { TeeFeed } from "./tee_feed.ts";
import { DEFAULT_STREAM } from "../signalling/stream_name.ts";
import { REALM } from "../signalling/server_access.ts";

/** One stream's RTSP mount: rtsp://HOST:PORT/NAME, fed from its sender's tee. */
export interface RtspFeed {
  name: string;
  feed: TeeFeed;
}
/** How often the server looks for new RTSP sessions (each gets a keyframe at once). */
const WATCH_MS = 100;
const RTP_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96";

/** The branch behind the sender's tee that feeds the RTSP mount: RTP to `port` on loopback. */
export function rtspFeedDescription(port: number): string {
  return [
    // Its own thread; the oldest frame goes first, so RTSP never holds back the encoder or viewers.
    "queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream",
    // SPS/PPS with every keyframe: an RTSP client can start at any of them.
    "rtph264pay pt=96 mtu=1200 config-interval=-1 aggregate-mode=zero-latency",
    // sync=false: each packet leaves the moment it exists.
    `udpsink host=127.0.0.1 port=${port} sync=false async=false`,
  ].join(" ! ");
}

/** The RTSP mount's launch description: the fed RTP, payloaded again as gst-rtsp-server's pay0. */
export function rtspMountDescription(port: number): string {
  return "( " + [
    `udpsrc address=127.0.0.1 port=${port} buffer-size=4194304 caps="${RTP_CAPS}"`,
    // Whole access units again, then packets of the server's own RTP session (its SSRC, sequence
    // numbers and RTP-Info for each client); the H.264 itself is untouched.
    "rtph264depay",
    "h264parse config-interval=-1",
    "rtph264pay name=pay0 pt=96 mtu=1200 config-interval=-1 aggregate-mode=zero-latency",
  ].join(" ! ") + " )";
}

/** rtsp://HOST:PORT/NAME (the first stream's: /video), with an IPv6 literal in brackets. */
export function rtspUrl(host: string, port: number, stream = DEFAULT_STREAM): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `rtsp://${h}:${port}/${stream}`;
}

/** The user RTSP clients sign in as when --token is set; the token is the password. */
export const RTSP_USER = "rov";

/** The credentials RTSP asks for: none without a token, else RTSP_USER and the token. */
export function rtspCredentials(token: string | undefined): RtspCredentials | undefined {
  return token === undefined ? undefined : { user: RTSP_USER, password: token, realm: REALM };
}

export interface RtspOptions {
  /** The TCP port (0: none, from startRtsp). */
  port: number;
  /** Clients must sign in with these (Digest); without, anyone who reaches the port may watch. */
  credentials?: RtspCredentials;
}

export class RtspOutput {
  #server: RtspServer;
  #feeds: { name: string; feed: TeeFeed; branch: Branch }[];
  #timer: ReturnType<typeof setInterval>;
  #sessions = 0;
  #closed = false;
  /** Sessions that have been set up since the start. */
  sessionsStarted = 0;

  private constructor(server: RtspServer, feeds: { name: string; feed: TeeFeed; branch: Branch }[]) {
    this.#server = server;
    this.#feeds = feeds;
    this.#timer = setInterval(() => this.#watch(), WATCH_MS);
  }

  /**
   * Serves RTSP on `address`:`port` (0: a free port), one mount per stream; throws GstError when it
   * cannot listen.
   */
  static start(feeds: RtspFeed[], address: string, options: RtspOptions): RtspOutput {
    const mounts = feeds.map((f) => ({ ...f, internal: freeUdpPort() }));
    const server = RtspServer.start({
      address,
      port: options.port,
      credentials: options.credentials,
      mounts: mounts.map((m) => ({ path: `/${m.name}`, launch: rtspMountDescription(m.internal) })),
    });
    const fed: { name: string; feed: TeeFeed; branch: Branch }[] = [];
    try {
      for (const mount of mounts) {
        const description = rtspFeedDescription(mount.internal);
        log.debug(`RTSP feed of /${mount.name}: ${description}`);
        log.debug(`RTSP mount /${mount.name}: ${rtspMountDescription(mount.internal)}`);
        fed.push({ name: mount.name, feed: mount.feed, branch: mount.feed.addBranch(description) });
      }
    } catch (error) {
      void server.close();
      for (const { feed, branch } of fed) void feed.removeBranch(branch);
      throw error;
    }
    return new RtspOutput(server, fed);
  }

  /** Whether the stream of that name has a mount here. */
  serves(stream: string): boolean {
    return this.#feeds.some((f) => f.name === stream);
  }

  /** The port RTSP listens on. */
  get port(): number {
    return this.#server.port;
  }

  /** RTSP sessions now. */
  get sessions(): number {
    return this.#server.sessions;
  }

  /**
   * A new session starts at a keyframe made for it, not at the next periodic one. The server counts
   * sessions, not their mounts: every stream is asked (each sender folds repeated requests).
   */
  #watch(): void {
    if (this.#closed) return;
    const now = this.#server.sessions;
    if (now > this.#sessions) {
      this.sessionsStarted += now - this.#sessions;
      // Twice: the session appears at SETUP and its packets flow from PLAY, a moment later; the
      // second request is folded by the sender into one 250 ms after the first.
      for (const { feed } of this.#feeds) {
        feed.requestKeyFrame();
        feed.requestKeyFrame();
      }
    }
    this.#sessions = now;
  }

  /** Stops serving RTSP and removes the feed; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#server.close();
    for (const { feed, branch } of this.#feeds) await feed.removeBranch(branch);
  }
}

/**
 * RTSP as the server was asked to serve it: undefined when it is off (port 0) or cannot run, said
 * in one line (the rest of the server runs on). `feeds`: the streams with a tee to feed it.
 */
export function startRtsp(
  feeds: RtspFeed[],
  address: string,
  options: RtspOptions,
): RtspOutput | undefined {
  if (options.port === 0) return undefined;
  if (feeds.length === 0) {
    log.info(
      "RTSP off: it is fed from the gstreamer engine (not with --webrtc-engine werift or --transport rtp)",
    );
    return undefined;
  }
  if (!hasRtspServer()) {
    log.warn(
      "RTSP off: gst-rtsp-server is not installed (Debian/Ubuntu: sudo apt install gstreamer1.0-rtsp)",
    );
    return undefined;
  }
  try {
    return RtspOutput.start(feeds, address, options);
  } catch (error) {
    if (!(error instanceof GstError)) throw error;
    log.warn(`RTSP off: ${error.message}`);
    return undefined;
  }
}
