/**
 * The client's WebRTC connection on the chosen engine: offers through the server's `/offer`, and
 * returns the engine's viewing session; connection failures reach `onFailure` as one-line errors.
 */
import type { ReceiverPipeline } from "../media/receiver_pipeline.ts";
import { postOffer } from "../signalling/offer_client.ts";
import { log } from "../log.ts";
import type { WebRtcEngineName, WebRtcViewing } from "./engine.ts";
import { GstReceiverSession } from "./gst_client.ts";
import { hostAddresses, isLoopback, type NetworkInterfaceLike } from "./ice_policy.ts";

export interface ConnectOptions {
  engine: WebRtcEngineName;
  /** Use the public STUN server (--stun). */
  stun: boolean;
  /** This machine's IPv4 interfaces: host candidates when the server is not on loopback. */
  interfaces: NetworkInterfaceLike[];
  /** The receiver pipeline: its webrtcbin (gstreamer) or its appsrc (werift). */
  receiver: ReceiverPipeline;
  /** The werift client module, imported by the caller as early as possible (it takes ~300 ms). */
  werift?: Promise<typeof import("./werift_client.ts")>;
  signal: AbortSignal;
  onFailure: (error: Error) => void;
}

/** Connects to the server whose offer endpoint is `url`. */
export async function connectViewer(url: string, options: ConnectOptions): Promise<WebRtcViewing> {
  const { signal, receiver } = options;
  const serverHost = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const ice = {
    addresses: isLoopback(serverHost) ? ["127.0.0.1"] : hostAddresses("0.0.0.0", options.interfaces),
    stun: options.stun,
  };
  log.debug(`Offering to ${url} (${options.engine}) with host candidates ${ice.addresses.join(", ")}`);
  const signaller = async (offer: string) => {
    const answer = await postOffer(url, offer, { signal });
    log.debug(`Answer (${answer.engine ?? "unknown"} engine):\n${answer.sdp.trim()}`);
    return answer;
  };
  const onState = (state: string) => {
    log.debug(`WebRTC ${state}`);
    if (state === "failed") {
      options.onFailure(
        new Error(`WebRTC connection to ${serverHost} failed (no media path: check --host and firewalls)`),
      );
    }
    if (state === "closed" && !signal.aborted) {
      options.onFailure(new Error("rov-server closed the connection"));
    }
  };
  if (options.engine === "gstreamer") {
    return await GstReceiverSession.connect(receiver.webrtcBin(), signaller, {
      ice,
      control: new URL(url).origin,
      requestKeyFrame: () => receiver.requestKeyFrame(),
      onState,
      signal,
    });
  }
  const { WeriftViewing } = await options.werift!;
  return await WeriftViewing.connect(signaller, {
    ice,
    push: (packet) => receiver.push(packet),
    onState,
    signal,
  });
}
