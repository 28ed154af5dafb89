/**
 * Scale-out through a relay (--forward janus://HOST:PORT): one plain RTP stream of the one encode to a
 * Janus streaming mountpoint, which fans it out to any number of WebRTC viewers. Its RTCP goes both
 * ways: the sender reports (capture times) leave from a socket of ours, so Janus latches onto it
 * (its `videortcpport`), and the keyframe requests Janus sends back there (a PLI when a viewer
 * starts, or asks) reach the encoder, folded with every other viewer's.
 */
import type { Branch } from "../ffi/branch.ts";
import type { Element } from "../ffi/element.ts";
import { log } from "../log.ts";
import { asksForKeyFrame } from "./rtcp_feedback.ts";
import {
  FORWARD_RTCP_SINK,
  forwardBranchDescription,
  RTP_BRANCH_SINK,
  type UdpDestination,
} from "./sender.ts";
import type { TeeFeed } from "./tee_feed.ts";

/** Where a forward goes: the mountpoint's RTP port and the port it hears and sends RTCP on. */
export interface ForwardTarget {
  /** "janus": a Janus streaming mountpoint (the one relay spoken to today). */
  kind: "janus";
  host: string;
  port: number;
  rtcpPort: number;
}

/** What /api/status says of a forward. */
export interface ForwardStatus {
  kind: "janus";
  host: string;
  port: number;
  rtcpPort: number;
  /** RTP bytes sent: what the vehicle's upstream carries for it, however many watch beyond. */
  bytesSent: number;
  /** Keyframe requests (PLI, FIR) that came back from the relay. */
  keyFrameRequests: number;
  /** Whether the relay has sent anything back (its RTCP reached us: it has latched onto our socket). */
  heard: boolean;
}

/** A datagram larger than any RTCP feedback is read no further than this. */
const MAX_DATAGRAM = 2048;

export class RtpForward {
  readonly target: ForwardTarget;
  #feed: TeeFeed;
  #branch: Branch | null;
  #sink: Element;
  #socket: Deno.DatagramConn;
  #loops: Promise<void>[];
  #keyFrameRequests = 0;
  #heard = false;

  private constructor(feed: TeeFeed, target: ForwardTarget, branch: Branch, socket: Deno.DatagramConn) {
    this.#feed = feed;
    this.target = target;
    this.#branch = branch;
    this.#sink = branch.element(RTP_BRANCH_SINK);
    this.#socket = socket;
    this.#loops = [this.#sendReports(branch), this.#hearFeedback()];
  }

  /** Starts forwarding from `feed`'s tee to `target`. */
  static start(feed: TeeFeed, target: ForwardTarget): RtpForward {
    const destination: UdpDestination = { kind: "udp", host: target.host, port: target.port, ttl: 1 };
    const description = forwardBranchDescription(destination);
    log.debug(`Forward to Janus ${target.host}:${target.port}: ${description}`);
    // The relay answers where our reports come from: this socket, on every interface of our family.
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: target.host.includes(":") ? "::" : "0.0.0.0",
      port: 0,
    });
    let branch: Branch;
    try {
      branch = feed.addBranch(description);
    } catch (error) {
      socket.close();
      throw error;
    }
    return new RtpForward(feed, target, branch, socket);
  }

  /** RTCP sender reports out of the branch's session, sent from our socket to the relay's RTCP port. */
  async #sendReports(branch: Branch): Promise<void> {
    const to: Deno.NetAddr = { transport: "udp", hostname: this.target.host, port: this.target.rtcpPort };
    for await (const report of branch.appSink(FORWARD_RTCP_SINK).pull({ copy: true })) {
      // A relay that is not up yet refuses (ICMP): the next report a second later tries again.
      await this.#socket.send(report.data!, to).catch(() => {});
    }
  }

  /** Keyframe requests back from the relay; anything else, or from anyone else, is ignored. */
  async #hearFeedback(): Promise<void> {
    try {
      while (true) {
        const [datagram, from] = await this.#socket.receive(new Uint8Array(MAX_DATAGRAM));
        if (!this.#fromRelay(from as Deno.NetAddr)) continue;
        this.#heard = true;
        if (asksForKeyFrame(datagram)) {
          this.#keyFrameRequests++;
          this.#feed.requestKeyFrame();
        }
      }
    } catch {
      // The socket was closed (close()); nothing else ends this loop.
    }
  }

  #fromRelay(from: Deno.NetAddr): boolean {
    const bare = (address: string) => address.replace(/^::ffff:/, "").toLowerCase();
    return from.port === this.target.rtcpPort && bare(from.hostname) === bare(this.target.host);
  }

  status(): ForwardStatus {
    return {
      ...this.target,
      bytesSent: this.#branch === null ? 0 : Number(this.#sink.get("bytes-served")),
      keyFrameRequests: this.#keyFrameRequests,
      heard: this.#heard,
    };
  }

  /** Stops the branch and closes the socket; safe to call twice. */
  async close(): Promise<void> {
    const branch = this.#branch;
    if (branch === null) return;
    this.#branch = null;
    this.#sink.close();
    await this.#feed.removeBranch(branch);
    this.#socket.close();
    await Promise.all(this.#loops);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
