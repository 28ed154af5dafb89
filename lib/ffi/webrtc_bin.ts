/**
 * webrtcbin: GStreamer's WebRTC peer (ICE through libnice, DTLS-SRTP, RTCP) driven from JavaScript
 * through its action signals and properties. Descriptions go in and out as SDP text; statistics come
 * back as plain data. Waiting for webrtcbin's replies never blocks the event loop.
 */
import {
  checked,
  cString,
  GstError,
  gstreamer,
  gstWebRtc,
  niceSockets,
  outPointer,
  pointerOf,
  takeError,
  takeString,
} from "./gst.ts";
import {
  emitSignal,
  getObjectProperty,
  getProperty,
  hasProperty,
  type Plain,
  type PlainObject,
  setProperty,
  structureToObject,
  unrefObject,
  withProperty,
} from "./gobject.ts";
import { withPromise } from "./gst_promise.ts";
import { forEachOfFactory } from "./element.ts";
import { hostOs, receiveBufferOption } from "./library_path.ts";

export type SdpType = "offer" | "answer";
const SDP_TYPE: Record<SdpType, number> = { offer: 1, answer: 3 }; // GstWebRTCSDPType
const DIRECTION = { sendonly: 2, recvonly: 3, sendrecv: 4 } as const; // GstWebRTCRTPTransceiverDirection
const DESCRIPTION_TYPE = 0; // GstWebRTCSessionDescription.type (i32)
const DESCRIPTION_SDP = 8; // GstWebRTCSessionDescription.sdp (GstSDPMessage *)
/** Gathering host candidates takes well under a millisecond: looked at every 1 ms at first, then every 10 ms. */
const GATHER_POLLS_MS = [1, 1, 2, 4];
const GATHER_POLL_MS = 10;
/** libnice's pause between connectivity checks (Ta), at the lowest RFC 8445 allows. */
const ICE_PACING_MS = 5;

/** An SDP description, as text. */
export interface SessionDescription {
  type: SdpType;
  sdp: string;
}

/** Parses SDP text into a GstWebRTCSessionDescription the caller frees. */
function newDescription(type: SdpType, text: string): Deno.PointerObject {
  const { sdp, webrtc } = gstWebRtc();
  const out = outPointer();
  if (sdp.gst_sdp_message_new_from_text(cString(text), out) !== 0 || pointerOf(out) === null) {
    throw new GstError(`Cannot parse the ${type} SDP`);
  }
  return checked(
    webrtc.gst_webrtc_session_description_new(SDP_TYPE[type], pointerOf(out)),
    `Cannot make a ${type} description`,
  );
}

/** A GstWebRTCSessionDescription's type and SDP text. */
function readDescription(description: Deno.PointerObject): SessionDescription {
  const view = new Deno.UnsafePointerView(description);
  const type = view.getInt32(DESCRIPTION_TYPE) === SDP_TYPE.answer ? "answer" : "offer";
  const message = view.getPointer(DESCRIPTION_SDP);
  const sdp = message === null ? undefined : takeString(gstWebRtc().sdp.gst_sdp_message_as_text(message));
  return { type, sdp: sdp ?? "" };
}

let certificate: Promise<void> | undefined;

/**
 * Makes this process's DTLS certificate in the background (the first DTLS element spends 0.4–0.7 s
 * on it; later ones reuse it) and loads webrtcbin's plugins (libnice, SRTP, SCTP: the first webrtcbin
 * of a process took ~0.4 s more), so the first viewer's connection waits for neither. Safe to call again.
 */
export function prepareDtlsCertificate(): Promise<void> {
  certificate ??= (async () => {
    const { gst } = gstreamer();
    for (const factory of ["dtlsdec", "webrtcbin"]) {
      const element = await gst.gst_element_factory_make_async(cString(factory), null);
      if (element !== null) gst.gst_object_unref(gst.gst_object_ref_sink(element));
    }
  })();
  return certificate;
}

/**
 * Sets `property` on the object the action signal `getter` returns for `index` (a transceiver, an
 * RTP session), and releases it; false when there is no such object yet.
 */
function setPropertyOfNth(
  owner: Deno.PointerObject,
  getter: string,
  index: number,
  property: string,
  value: string | number | boolean,
): boolean {
  const object = emitSignal(owner, getter, [index]) as Deno.PointerValue | undefined;
  if (object === null || object === undefined) return false;
  try {
    setProperty(object, property, value);
  } finally {
    unrefObject(object);
  }
  return true;
}

/** Resolves once a certificate being made has been made (at once when none was started). */
export function dtlsCertificateSettled(): Promise<void> {
  return certificate ?? Promise.resolve();
}

export class WebRtcBin {
  #handle: Deno.PointerObject | null;
  readonly name: string;

  /** Takes a reference to a webrtcbin element (e.g. from `gst_bin_get_by_name`). */
  constructor(handle: Deno.PointerObject, name = "webrtcbin") {
    this.#handle = handle;
    this.name = name;
  }

  #live(): Deno.PointerObject {
    if (this.#handle === null) throw new Error(`webrtcbin "${this.name}" is closed`);
    return this.#handle;
  }

  /**
   * Restricts ICE to `addresses` (host candidates on these only) over UDP, its checks paced at
   * ICE_PACING_MS. Call before any description is set.
   */
  restrictIce(addresses: string[]): void {
    const agent = getObjectProperty(this.#live(), "ice-agent");
    if (agent === null) throw new GstError(`webrtcbin "${this.name}" has no ICE agent`);
    try {
      setProperty(agent, "ice-tcp", false);
      // libnice built with UPnP asks the LAN's router for a port mapping (SSDP multicast to
      // 239.255.255.250): nothing is contacted that the user did not ask for.
      const nice = hasProperty(agent, "agent") ? getObjectProperty(agent, "agent") : null;
      if (nice !== null) {
        try {
          if (hasProperty(nice, "upnp")) setProperty(nice, "upnp", false);
          // libnice paces its connectivity checks at 20 ms, and regular nomination takes two of them:
          // ~60 ms from answer to connected on loopback. RFC 8445's floor (5 ms) makes it ~15 ms.
          setProperty(nice, "stun-pacing-timer", ICE_PACING_MS);
        } finally {
          unrefObject(nice);
        }
      }
      for (const address of addresses) {
        if (emitSignal(agent, "add-local-ip-address", [address]) === false) {
          throw new GstError(`Cannot gather ICE candidates on ${address}`);
        }
      }
    } finally {
      unrefObject(agent);
    }
  }

  /** Sets a webrtcbin property from its string form (e.g. `stun-server`, `latency`). */
  set(property: string, value: string | number | boolean): void {
    setProperty(this.#live(), property, value);
  }

  /**
   * Adds a transceiver for `caps` ("application/x-rtp,media=video,..."), e.g. to receive only; with
   * `nack`, it offers NACK and retransmission (RTX).
   */
  addTransceiver(direction: keyof typeof DIRECTION, caps: string, options: { nack?: boolean } = {}): void {
    const { gst } = gstreamer();
    const parsed = checked(gst.gst_caps_from_string(cString(caps)), `Cannot parse caps ${caps}`);
    try {
      const transceiver = emitSignal(this.#live(), "add-transceiver", [DIRECTION[direction], parsed]);
      if (transceiver === null || transceiver === undefined) throw new GstError("Cannot add a transceiver");
      try {
        if (options.nack) setProperty(transceiver as Deno.PointerObject, "do-nack", true);
      } finally {
        unrefObject(transceiver as Deno.PointerObject);
      }
    } finally {
      gst.gst_mini_object_unref(parsed);
    }
  }

  /** Sets a property of transceiver `index` (e.g. "do-nack"); false while there is no such transceiver. */
  setTransceiverProperty(index: number, property: string, value: string | number | boolean): boolean {
    return setPropertyOfNth(this.#live(), "get-transceiver", index, property, value);
  }

  async setRemoteDescription(description: SessionDescription): Promise<void> {
    await this.#setDescription("set-remote-description", description);
  }

  async setLocalDescription(description: SessionDescription): Promise<void> {
    await this.#setDescription("set-local-description", description);
  }

  async #setDescription(signal: string, description: SessionDescription): Promise<void> {
    const handle = this.#live();
    const native = newDescription(description.type, description.sdp);
    try {
      await withPromise(
        `Cannot ${signal.replaceAll("-", " ")}`,
        (promise) => emitSignal(handle, signal, [native, promise]),
        () => undefined,
      );
    } finally {
      gstWebRtc().webrtc.gst_webrtc_session_description_free(native);
    }
  }

  /** Creates an answer to the remote offer. */
  createAnswer(): Promise<SessionDescription> {
    return this.#create("answer");
  }

  /** Creates an offer from the transceivers added so far. */
  createOffer(): Promise<SessionDescription> {
    return this.#create("offer");
  }

  #create(type: SdpType): Promise<SessionDescription> {
    const handle = this.#live();
    return withPromise(
      `Cannot create an ${type}`,
      (promise) => emitSignal(handle, `create-${type}`, [null, promise]),
      (reply) => {
        const value = reply === null ? null : gstreamer().gst.gst_structure_get_value(reply, cString(type));
        const description = value === null ? null : gstreamer().gobject.g_value_get_boxed(value);
        if (description === null) throw new GstError(`webrtcbin made no ${type}`);
        return readDescription(description);
      },
    );
  }

  /** The local description with every candidate gathered so far (pending one first). */
  localDescription(): SessionDescription | undefined {
    return this.#description("local-description");
  }

  remoteDescription(): SessionDescription | undefined {
    return this.#description("remote-description");
  }

  #description(property: string): SessionDescription | undefined {
    return withProperty(this.#live(), property, (value) => {
      const pointer = gstreamer().gobject.g_value_get_boxed(value);
      return pointer === null ? undefined : readDescription(pointer);
    });
  }

  /** "new", "connecting", "connected", "disconnected", "failed" or "closed". */
  get connectionState(): string {
    return String(getProperty(this.#live(), "connection-state"));
  }

  /** "new", "checking", "connected", "completed", "failed", "disconnected" or "closed". */
  get iceConnectionState(): string {
    return String(getProperty(this.#live(), "ice-connection-state"));
  }

  /**
   * Asks for a receive buffer of `bytes` on the sockets of ICE's selected pairs (the system's
   * default, 208 KiB on Linux, overflows in a keyframe burst at tens of Mbit/s while this process is
   * descheduled). Returns the size the system granted (Linux reports twice the bytes it accounts;
   * it caps at net.core.rmem_max), or undefined before a pair is selected or without libnice.
   */
  setReceiveBuffer(bytes: number): number | undefined {
    const libs = niceSockets();
    if (libs === null) return undefined;
    const ice = getObjectProperty(this.#live(), "ice-agent");
    if (ice === null) return undefined;
    const agent = hasProperty(ice, "agent") ? getObjectProperty(ice, "agent") : null;
    unrefObject(ice);
    if (agent === null) return undefined;
    const option = receiveBufferOption(hostOs());
    let granted: number | undefined;
    try {
      // webrtcbin numbers libnice streams from 1, one per transport (one with max-bundle); with
      // rtcp-mux, component 1 carries RTP and RTCP.
      for (let stream = 1; stream <= 4; stream++) {
        const socket = libs.nice.nice_agent_get_selected_socket(agent, stream, 1);
        if (socket === null) continue;
        try {
          const error = outPointer();
          libs.gio.g_socket_set_option(socket, option.level, option.name, bytes, error);
          if (takeError(error) !== undefined) continue;
          const value = new Int32Array(1);
          if (libs.gio.g_socket_get_option(socket, option.level, option.name, value, error)) {
            granted = Math.max(granted ?? 0, value[0]);
          }
          takeError(error);
        } finally {
          unrefObject(socket);
        }
      }
    } finally {
      unrefObject(agent);
    }
    return granted;
  }

  /** "new", "gathering" or "complete". */
  get iceGatheringState(): string {
    return String(getProperty(this.#live(), "ice-gathering-state"));
  }

  /**
   * Waits until ICE gathering is complete (non-trickle signalling needs every candidate); false when
   * `timeoutMs` passed first (a STUN server that does not answer), with what was gathered by then.
   */
  async gathered(timeoutMs = 5000, signal?: AbortSignal): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (let poll = 0; this.iceGatheringState !== "complete"; poll++) {
      if (signal?.aborted) throw signal.reason;
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, GATHER_POLLS_MS[poll] ?? GATHER_POLL_MS));
    }
    return true;
  }

  /** webrtcbin's statistics (`get-stats`): one object per statistic id, as plain data. */
  stats(): Promise<PlainObject> {
    const handle = this.#live();
    return withPromise(
      "Cannot read WebRTC statistics",
      (promise) => emitSignal(handle, "get-stats", [null, promise]),
      (reply) => reply === null ? {} : structureToObject(reply),
    );
  }

  /**
   * Sets a property on webrtcbin's internal rtpbin (e.g. `rtcp-sync-send-time`,
   * `add-reference-timestamp-meta`): settings webrtcbin itself does not expose.
   */
  setRtpBinProperty(property: string, value: string | number | boolean): void {
    const rtpbin = this.#rtpBin();
    try {
      setProperty(rtpbin, property, value);
    } finally {
      gstreamer().gst.gst_object_unref(rtpbin);
    }
  }

  /** Sets a property on RTP session `id` of the internal rtpbin; false while it has no such session. */
  setSessionProperty(id: number, property: string, value: string | number | boolean): boolean {
    const rtpbin = this.#rtpBin();
    try {
      return setPropertyOfNth(rtpbin, "get-session", id, property, value);
    } finally {
      gstreamer().gst.gst_object_unref(rtpbin);
    }
  }

  /**
   * Sets a property on every jitter buffer of the internal rtpbin (one per incoming stream, made
   * when its first packet arrives): settings such as the retransmission timers that neither
   * webrtcbin nor rtpbin expose. Returns how many jitter buffers there were.
   */
  setJitterBufferProperty(property: string, value: string | number | boolean): number {
    const rtpbin = this.#rtpBin();
    try {
      return forEachOfFactory(rtpbin, "rtpjitterbuffer", (buffer) => setProperty(buffer, property, value));
    } finally {
      gstreamer().gst.gst_object_unref(rtpbin);
    }
  }

  /** A property of each jitter buffer of the internal rtpbin, as plain data. */
  jitterBufferProperty(property: string): Plain[] {
    const rtpbin = this.#rtpBin();
    const values: Plain[] = [];
    try {
      forEachOfFactory(rtpbin, "rtpjitterbuffer", (buffer) => values.push(getProperty(buffer, property)));
    } finally {
      gstreamer().gst.gst_object_unref(rtpbin);
    }
    return values;
  }

  #rtpBin(): Deno.PointerObject {
    return checked(
      gstreamer().gst.gst_bin_get_by_name(this.#live(), cString("rtpbin")),
      `webrtcbin "${this.name}" has no rtpbin`,
    );
  }

  /** Releases the reference; safe to call twice. */
  close(): void {
    if (this.#handle === null) return;
    gstreamer().gst.gst_object_unref(this.#handle);
    this.#handle = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
