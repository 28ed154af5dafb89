/**
 * The client's WebRTC connection on the chosen engine: offers through the server's `/offer`, and
 * returns the engine's viewing session with what the answer said of it; the connection's failure
 * comes as a one-line error on `failed`.
 */
import { prepareDtlsCertificate } from "../ffi/webrtc_bin.ts";
import type { ReceiverPipeline } from "../media/receiver_pipeline.ts";
import {
  hangUp,
  postOffer,
  serverTraits,
  type ViewerLiveness,
  viewerLiveness,
} from "../signalling/offer_client.ts";
import { HttpKeyFrames } from "../signalling/rtp_control.ts";
import type { SessionDescription } from "../signalling/session_description.ts";
import { log } from "../log.ts";
import type { WebRtcEngineName, WebRtcViewing } from "./engine.ts";
import { GstReceiverSession } from "./gst_client.ts";
import { hostAddresses, isLoopback, type NetworkInterfaceLike } from "./ice_policy.ts";

/** A server that has not answered in this long is taken as unreachable (it answers in ~50 ms). */
const ANSWER_TIMEOUT_MS = 3000;

export interface ConnectOptions {
  engine: WebRtcEngineName;
  /** Use the public STUN server (--stun). */
  stun: boolean;
  /** This machine's IPv4 interfaces: host candidates when the server is not on loopback. */
  interfaces: NetworkInterfaceLike[];
  /** The receiver pipeline: its webrtcbin (gstreamer) or its appsrc (werift). */
  receiver: ReceiverPipeline;
  /** How long werift's packets wait behind a gap for its retransmission (reorderWaitMs). */
  repairWaitMs: number;
  /** The werift client module, imported by the caller as early as possible (it takes ~300 ms). */
  werift?: Promise<typeof import("./werift_client.ts")>;
  /** The server's stream to watch (rov-client --stream; absent: its first). */
  stream?: string;
  signal: AbortSignal;
}

/** One WebRTC session with a server. */
export interface ViewerConnection {
  viewing: WebRtcViewing;
  /** The server's HTTP origin. */
  origin: string;
  /** The viewer's id on the server (from the answer), for probing whether the server still has it. */
  id?: string;
  /** Whether the server's picture carries pixel stamps (said in its answer). */
  stamps: boolean;
  /** Settles with the reason when the connection fails or the server closes it. */
  failed: Promise<Error>;
  /** Whether the server still has this viewer (undefined: no id to ask about). */
  probe?: (signal: AbortSignal) => Promise<ViewerLiveness>;
  /** Asks the server for a keyframe (the picture stopped: damage the decoder cannot mend). */
  requestKeyFrame(): void;
  /** Whether the connection's media path is up (ICE and DTLS done). */
  connected(): boolean;
  close(): Promise<void>;
}

/** Connects to the server whose offer endpoint is `url`. */
export async function connectViewer(url: string, options: ConnectOptions): Promise<ViewerConnection> {
  const { signal, receiver } = options;
  const failure = Promise.withResolvers<Error>();
  let answered: SessionDescription | undefined;
  const serverHost = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const ice = {
    addresses: isLoopback(serverHost) ? ["127.0.0.1"] : hostAddresses("0.0.0.0", options.interfaces),
    stun: options.stun,
  };
  log.debug(`Offering to ${url} (${options.engine}) with host candidates ${ice.addresses.join(", ")}`);
  const signaller = async (offer: string) => {
    const answer = await postOffer(url, offer, {
      signal,
      timeoutMs: ANSWER_TIMEOUT_MS,
      stream: options.stream,
    });
    log.debug(`Answer (${answer.engine ?? "unknown"} engine):\n${answer.sdp.trim()}`);
    answered = answer;
    return answer;
  };
  let connectionState = "new";
  const onState = (state: string) => {
    log.debug(`WebRTC ${state}`);
    connectionState = state;
    if (state === "failed") {
      failure.resolve(
        new Error(`WebRTC connection to ${serverHost} failed (no media path: check --host and firewalls)`),
      );
    }
    if (state === "closed" && !signal.aborted) failure.resolve(new Error("rov-server closed the connection"));
  };
  const origin = new URL(url).origin;
  // Each session has a webrtcbin of its own in front of the decoder, removed when it closes.
  // The certificate is being made since start-up (startClient); its webrtcbin must not wait on it.
  if (options.engine === "gstreamer") await prepareDtlsCertificate();
  const source = options.engine === "gstreamer" ? receiver.newWebRtcBin() : undefined;
  const viewing = source
    ? await GstReceiverSession.connect(source.webrtc, signaller, {
      ice,
      control: origin,
      stream: options.stream,
      requestKeyFrame: () => receiver.requestKeyFrame(),
      onState,
      signal,
    }).catch(async (error) => {
      await source.remove();
      throw error;
    })
    : await (await options.werift!).WeriftViewing.connect(signaller, {
      ice,
      repairWaitMs: options.repairWaitMs,
      telemetry: (await serverTraits(origin, { signal, timeoutMs: ANSWER_TIMEOUT_MS })).webrtcEngine !==
        "gstreamer",
      push: (packet) => receiver.push(packet),
      onState,
      signal,
    });
  const id = answered?.id;
  const httpKeyFrames = options.engine === "werift"
    ? new HttpKeyFrames(origin, { signal, stream: options.stream })
    : undefined;
  return {
    viewing,
    origin,
    id,
    stamps: answered?.stamps === true,
    failed: failure.promise,
    probe: id === undefined
      ? undefined
      : (probeSignal) => viewerLiveness(origin, id, { signal: probeSignal }),
    connected: () => connectionState === "connected",
    requestKeyFrame: () => {
      viewing.requestKeyFrame();
      // werift's PLI did not reach rov-server under loss (bench --faults: 1 keyframe in 20 s, 95 %
      // of frames damaged); the HTTP request, coalesced by the server, does. The gstreamer engine
      // sends its own through its RtpControl (GstReceiverSession).
      httpKeyFrames?.request();
    },
    close: async () => {
      // Hung up before closing: the server frees the place at once (not signal: it may be aborted).
      if (id !== undefined) await hangUp(origin, id);
      await viewing.close();
      await source?.remove();
    },
  };
}
