#!/usr/bin/python3
"""An independent WebRTC viewer built on aiortc, for end-to-end tests of rov-server.

Negotiates a recvonly H.264 video session through the server's `POST /offer` (JSON) route, or
(--janus) watches a Janus streaming mountpoint through Janus's HTTP API, answering its offer;
decodes N frames and prints one JSON line: {"frames": n, "width": w, "height": h}.

Exit codes: 0 = N frames decoded, 1 = timed out (JSON with what arrived), 2 = error (one line
on stderr). Uses no ICE servers; run with the Debian python (/usr/bin/python3, python3-aiortc).
"""

import argparse
import asyncio
import json
import logging
import sys
import urllib.error
import urllib.request

import aioice.ice
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCSessionDescription,
)

# aioice leaves out 127.0.0.1 when it enumerates host addresses, so an aiortc offer carries no
# candidate that can pair with a server bound to loopback. Gather on 127.0.0.1 as well (first),
# for this process only.
_get_host_addresses = aioice.ice.get_host_addresses


def _with_loopback(use_ipv4, use_ipv6):
    addresses = _get_host_addresses(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
    if use_ipv4 and "127.0.0.1" not in addresses:
        addresses.insert(0, "127.0.0.1")
    return addresses


aioice.ice.get_host_addresses = _with_loopback


def h264_preferences():
    """H.264 codecs only, packetization-mode=1 entries first (so VP8 cannot be negotiated)."""
    codecs = [c for c in RTCRtpReceiver.getCapabilities("video").codecs if c.mimeType.lower() == "video/h264"]
    if not codecs:
        raise RuntimeError("aiortc offers no H.264 codec")
    codecs.sort(key=lambda c: 0 if str(c.parameters.get("packetization-mode")) == "1" else 1)
    return codecs


def post_offer(url, offer):
    body = json.dumps({"sdp": offer.sdp, "type": offer.type}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        detail = " ".join(error.read().decode(errors="replace").split())[:300]
        raise RuntimeError(f"POST {url} -> HTTP {error.code}: {detail}") from None


def video_track(pc):
    """A future of the connection's first video track."""
    track_ready = asyncio.get_running_loop().create_future()

    @pc.on("track")
    def on_track(track):
        if track.kind == "video" and not track_ready.done():
            track_ready.set_result(track)

    return track_ready


async def decode(track, frames_wanted, result):
    """Decodes frames until `frames_wanted`, noting their count and size in `result`."""
    while result["frames"] < frames_wanted:
        frame = await track.recv()
        result["frames"] += 1
        result["width"], result["height"] = frame.width, frame.height


def janus_post(url, body):
    body = dict(body, transaction=str(id(body)))
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=15) as response:
        answer = json.loads(response.read().decode())
    if answer.get("janus") == "error":
        raise RuntimeError(f"Janus: {answer.get('error', {}).get('reason')}")
    return answer


def janus_offer(api, mountpoint):
    """Creates a session, attaches the streaming plugin, asks to watch; returns (handle URL, offer SDP)."""
    session = janus_post(api, {"janus": "create"})["data"]["id"]
    handle = janus_post(f"{api}/{session}", {"janus": "attach", "plugin": "janus.plugin.streaming"})["data"]["id"]
    janus_post(f"{api}/{session}/{handle}", {"janus": "message", "body": {"request": "watch", "id": mountpoint}})
    for _ in range(20):
        with urllib.request.urlopen(f"{api}/{session}?maxev=5", timeout=35) as response:
            events = json.loads(response.read().decode())
        for event in events if isinstance(events, list) else [events]:
            if "jsep" in event:
                return f"{api}/{session}/{handle}", event["jsep"]["sdp"]
    raise RuntimeError("Janus sent no offer")


def loopback_only(sdp):
    """The SDP without candidates other than 127.0.0.1 (tests reach nothing but loopback)."""
    lines = sdp.split("\r\n")
    return "\r\n".join(line for line in lines if not line.startswith("a=candidate:") or " 127.0.0.1 " in line)


async def view_janus(api, mountpoint, frames_wanted, result):
    loop = asyncio.get_running_loop()
    handle, offer = await loop.run_in_executor(None, janus_offer, api, mountpoint)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        track_ready = video_track(pc)

        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        answer = {"type": "answer", "sdp": loopback_only(pc.localDescription.sdp)}
        body = {"janus": "message", "body": {"request": "start"}, "jsep": answer}
        await loop.run_in_executor(None, janus_post, handle, body)
        await decode(await track_ready, frames_wanted, result)
    finally:
        await pc.close()


async def view(url, frames_wanted, result):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        transceiver = pc.addTransceiver("video", direction="recvonly")
        transceiver.setCodecPreferences(h264_preferences())
        track_ready = video_track(pc)

        # setLocalDescription gathers candidates and returns once gathering is complete.
        await pc.setLocalDescription(await pc.createOffer())
        while pc.iceGatheringState != "complete":
            await asyncio.sleep(0.05)

        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(None, post_offer, url, pc.localDescription)
        if answer.get("type") != "answer" or not isinstance(answer.get("sdp"), str):
            raise RuntimeError(f"unexpected answer: {json.dumps(answer)[:200]}")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

        await decode(await track_ready, frames_wanted, result)
    finally:
        await pc.close()


async def main(args):
    result = {"frames": 0, "width": None, "height": None}
    task = asyncio.ensure_future(
        view_janus(args.janus, args.mountpoint, args.frames, result)
        if args.janus
        else view(args.url, args.frames, result)
    )
    try:
        await asyncio.wait_for(asyncio.shield(task), args.timeout)
    except asyncio.TimeoutError:
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):
            pass
        print(json.dumps(result), flush=True)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="the server's POST /offer URL")
    parser.add_argument("--janus", help="instead: a Janus HTTP API URL (http://HOST:PORT/janus)")
    parser.add_argument("--mountpoint", type=int, default=1, help="with --janus: the streaming mountpoint id")
    parser.add_argument("--frames", type=int, default=30, help="decoded frames to wait for")
    parser.add_argument("--timeout", type=float, default=30, help="seconds before giving up")
    parser.add_argument("--verbose", action="store_true", help="aiortc/aioice debug logging on stderr")
    options = parser.parse_args()
    if not options.url and not options.janus:
        parser.error("give --url (rov-server) or --janus (a Janus HTTP API)")
    logging.basicConfig(level=logging.DEBUG if options.verbose else logging.CRITICAL)
    try:
        code = asyncio.run(main(options))
    except Exception as error:  # noqa: BLE001 - one line on stderr is the contract
        message = " ".join(str(error).split())
        print(f"aiortc_viewer: {type(error).__name__}: {message}", file=sys.stderr, flush=True)
        code = 2
    sys.exit(code)
