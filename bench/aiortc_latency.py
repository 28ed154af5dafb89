#!/usr/bin/python3
"""Contender (d) of the latency benchmark: the aiortc stack (what the original Python tool used).

Usage: /usr/bin/python3 bench/aiortc_latency.py WIDTH HEIGHT FPS KBPS SECONDS OUT.jsonl

One asyncio process, two RTCPeerConnections (sender, receiver) negotiated in-process and
connected over loopback UDP (no STUN/TURN). The sender's track produces yuv420p frames with a
moving pattern and a pixel stamp (capture wall-clock ms, lib/stats/pixel_stamp.ts format); aiortc
encodes H.264 (libx264), packetizes, sends RTP/SRTP; the receiver depacketizes, decodes
(aiortc's decoder thread) and hands frames to `track.recv()`, where the stamp is read.
One JSON line per decoded frame: {"frame": n, "at": now_ms, "latencyMs": now_ms - capture_ms}
(latencyMs null when the stamp is unreadable). "first frame after N ms" goes to stderr once.
Stops SECONDS seconds after the first decoded frame. Exit 0, or 2 with one line on stderr.
Run with the Debian python (python3-aiortc 1.4.0, python3-av, python3-numpy).
"""

import asyncio
import ctypes
import json
import logging
import sys
import time

import aioice.ice
import numpy as np
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    VideoStreamTrack,
)
from aiortc.codecs import h264
from aiortc.mediastreams import VIDEO_CLOCK_RATE, VIDEO_TIME_BASE, MediaStreamError
import av

T0 = time.perf_counter()
FIRST_FRAME_TIMEOUT_S = 30.0

# --- loopback only ---------------------------------------------------------------------------
# aioice leaves 127.0.0.1 out when it enumerates host addresses (see tests/peers/aiortc_viewer.py).
# Both peers here live in this process, so gather on 127.0.0.1 only: every candidate pair is
# loopback and no other interface is touched.


def _loopback_only(use_ipv4=True, use_ipv6=True):
    return ["127.0.0.1"]


aioice.ice.get_host_addresses = _loopback_only

# --- pixel stamp (same format as lib/stats/pixel_stamp.ts) --------------------------------------
CELL = 16
COLUMNS = 20
ROWS = 2
WHITE = 235
BLACK = 16
STAMP_WIDTH = CELL * COLUMNS
STAMP_HEIGHT = CELL * ROWS


def crc8(value):
    """CRC-8, poly 0x07, init 0, no reflection, over the 4 value bytes MSB first."""
    crc = 0
    for byte in (3, 2, 1, 0):
        crc ^= (value >> (byte * 8)) & 0xFF
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def write_stamp(y, value):
    """Writes `value` (mod 2^32) into the top-left of the Y plane `y` (2-D uint8 array)."""
    value &= 0xFFFFFFFF
    crc = crc8(value)
    bits = [(value >> (31 - i)) & 1 for i in range(32)] + [(crc >> (7 - i)) & 1 for i in range(8)]
    levels = np.where(np.array(bits, dtype=np.uint8).reshape(ROWS, COLUMNS), WHITE, BLACK).astype(np.uint8)
    y[:STAMP_HEIGHT, :STAMP_WIDTH] = np.repeat(np.repeat(levels, CELL, axis=0), CELL, axis=1)


def read_stamp(y):
    """The stamp in the Y plane `y` (2-D, at least 32 x 320), or None (absent / CRC mismatch)."""
    if y.shape[0] < STAMP_HEIGHT or y.shape[1] < STAMP_WIDTH:
        return None
    cells = y[:STAMP_HEIGHT, :STAMP_WIDTH].reshape(ROWS, CELL, COLUMNS, CELL)
    centres = cells[:, CELL // 4 : CELL // 4 + CELL // 2, :, CELL // 4 : CELL // 4 + CELL // 2]
    means = centres.mean(axis=(1, 3), dtype=np.float64).reshape(-1)  # row-major: bit i = row i//20, col i%20
    bits = (means > (WHITE + BLACK) / 2).astype(np.int64)
    value = 0
    for b in bits[:32]:
        value = (value << 1) | int(b)
    crc = 0
    for b in bits[32:]:
        crc = (crc << 1) | int(b)
    return value if crc8(value) == crc else None


def unwrap_stamp(stamp, now_ms):
    """The full ms time whose value mod 2^32 is `stamp`, nearest to `now_ms`."""
    period = 2**32
    base = (now_ms // period) * period + stamp
    return min((base - period, base, base + period), key=lambda c: abs(c - now_ms))


# --- encoder bitrate --------------------------------------------------------------------------
# aiortc 1.4.0 has no API for the encoder bitrate: H264Encoder starts at DEFAULT_BITRATE (1 Mbit/s)
# and afterwards follows the receiver's REMB estimate, clamped to [MIN_BITRATE, MAX_BITRATE] =
# [0.5, 3] Mbit/s. The setter reads those module globals at call time, so pinning all three to
# KBPS makes the encoder start at KBPS and stay there whatever REMB says (and lifts the clamp, so
# KBPS outside 0.5-3 Mbit/s is honoured too). This is a monkeypatch of module constants, not an
# aiortc option. What it cannot change: libx264 is opened with only `bit_rate` (ABR, no VBV
# maxrate/bufsize), profile baseline, level 3.1 (even at 1080p), tune zerolatency, framerate
# fixed at 30 in the codec context; h264_omx is tried first and falls back to libx264 here.


def pin_bitrate(kbps):
    bps = int(kbps * 1000)
    h264.DEFAULT_BITRATE = bps
    h264.MIN_BITRATE = bps
    h264.MAX_BITRATE = bps


def h264_only(codecs):
    chosen = [c for c in codecs if c.mimeType.lower() == "video/h264"]
    if not chosen:
        raise RuntimeError("aiortc offers no H.264 codec")
    chosen.sort(key=lambda c: 0 if str(c.parameters.get("packetization-mode")) == "1" else 1)
    return chosen


# --- the stamped source -----------------------------------------------------------------------


class StampedPattern(VideoStreamTrack):
    """yuv420p frames at WIDTH x HEIGHT, FPS, drawn like lib/media/stamp_source.ts (a diagonal
    gradient in 8x2-pixel blocks moving 4 levels a frame below the stamp rows, neutral chroma) plus
    the stamp of the wall-clock time at which the frame is produced, i.e. when aiortc's sender pulls
    it with recv() (the encoder runs right after, in aiortc's executor thread)."""

    kind = "video"

    def __init__(self, width, height, fps):
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self.count = 0
        cols = (np.arange(width) // 8 * 8)[None, :]
        rows = (np.arange(height) // 2 * 2)[:, None]
        self.gradient = ((cols + rows) & 0xFF).astype(np.uint8)  # value at shift 0
        self.buffer = np.zeros((height * 3 // 2, width), dtype=np.uint8)  # rows < 32: 0 beside the stamp
        self.buffer[height:, :] = 128  # neutral chroma (U then V, packed as to_ndarray gives them)

    async def next_timestamp(self):
        # aiortc's VideoStreamTrack.next_timestamp paces at a fixed 30 fps (VIDEO_PTIME = 1/30);
        # this is the same logic (90 kHz clock, sleep until the frame's due time) at self.fps.
        if self.readyState != "live":
            raise MediaStreamError
        if hasattr(self, "_timestamp"):
            self._timestamp += int(VIDEO_CLOCK_RATE / self.fps)
            wait = self._start + (self._timestamp / VIDEO_CLOCK_RATE) - time.time()
            await asyncio.sleep(wait)
        else:
            self._start = time.time()
            self._timestamp = 0
        return self._timestamp, VIDEO_TIME_BASE

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        shift = (self.count * 4) % 256
        self.count += 1
        y = self.buffer[: self.height]
        np.add(self.gradient[STAMP_HEIGHT:], shift, out=y[STAMP_HEIGHT:], casting="unsafe")  # wraps mod 256
        write_stamp(y, int(time.time() * 1000))
        frame = av.VideoFrame.from_ndarray(self.buffer, format="yuv420p")  # copies the buffer
        frame.pts = pts
        frame.time_base = time_base
        return frame


def luma(frame):
    """The top STAMP_HEIGHT rows of the decoded frame's Y plane as a 2-D uint8 array."""
    try:
        plane = frame.planes[0]
        rows = min(frame.height, STAMP_HEIGHT)
        data = np.frombuffer(plane, dtype=np.uint8, count=rows * plane.line_size)
        return data.reshape(rows, plane.line_size)[:, : frame.width]
    except Exception:  # noqa: BLE001 - fall back to the documented (slower) conversion
        return frame.to_ndarray(format="yuv420p")[: frame.height]


async def run(width, height, fps, kbps, seconds, out_path):
    pin_bitrate(kbps)
    config = RTCConfiguration(iceServers=[])
    sender_pc = RTCPeerConnection(config)
    receiver_pc = RTCPeerConnection(config)
    source = StampedPattern(width, height, fps)
    out = open(out_path, "w", encoding="utf-8")
    try:
        track_ready = asyncio.get_running_loop().create_future()

        @receiver_pc.on("track")
        def on_track(track):
            if track.kind == "video" and not track_ready.done():
                track_ready.set_result(track)

        sender_pc.addTrack(source)
        for transceiver in sender_pc.getTransceivers():
            transceiver.setCodecPreferences(h264_only(RTCRtpSender.getCapabilities("video").codecs))

        # setLocalDescription gathers (loopback) candidates and returns when gathering completes,
        # so each description carries all its candidates.
        await sender_pc.setLocalDescription(await sender_pc.createOffer())
        await receiver_pc.setRemoteDescription(sender_pc.localDescription)
        for transceiver in receiver_pc.getTransceivers():
            transceiver.setCodecPreferences(h264_only(RTCRtpSender.getCapabilities("video").codecs))
        await receiver_pc.setLocalDescription(await receiver_pc.createAnswer())
        await sender_pc.setRemoteDescription(receiver_pc.localDescription)

        track = await asyncio.wait_for(track_ready, FIRST_FRAME_TIMEOUT_S)
        count = 0
        end = None
        while True:
            timeout = FIRST_FRAME_TIMEOUT_S if end is None else max(end - time.perf_counter(), 0) + 5.0
            frame = await asyncio.wait_for(track.recv(), timeout)
            now_ms = int(time.time() * 1000)
            count += 1
            if end is None:
                print(f"first frame after {round((time.perf_counter() - T0) * 1000)} ms", file=sys.stderr, flush=True)
                end = time.perf_counter() + seconds
            stamp = read_stamp(luma(frame))
            latency = None if stamp is None else now_ms - unwrap_stamp(stamp, now_ms)
            out.write(json.dumps({"frame": count, "at": now_ms, "latencyMs": latency}) + "\n")
            if time.perf_counter() >= end:
                break
    finally:
        out.close()
        source.stop()
        for pc in (sender_pc, receiver_pc):
            try:
                await asyncio.wait_for(pc.close(), 5.0)
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def quiet_ffmpeg():
    """FFmpeg's own log (h264_omx "not found", libx264 banners and stats) would clutter stderr,
    whose contract is "first frame after N ms" or one error line. `import aiortc` restores FFmpeg's
    default log callback, which PyAV's set_level does not govern, so set libavutil's level directly
    (AV_LOG_QUIET) in the libavutil this process already loaded. Best effort."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            path = next(line.split()[-1] for line in maps if "/libavutil.so" in line)
        ctypes.CDLL(path).av_log_set_level(-8)
    except Exception:  # noqa: BLE001 - only cosmetics
        pass


def main(argv):
    if len(argv) != 6:
        raise ValueError("usage: aiortc_latency.py WIDTH HEIGHT FPS KBPS SECONDS OUT.jsonl")
    width, height, fps = int(argv[0]), int(argv[1]), float(argv[2])
    kbps, seconds = float(argv[3]), float(argv[4])
    if width < STAMP_WIDTH or height < STAMP_HEIGHT or width % 2 or height % 2:
        raise ValueError(f"size must be even and at least {STAMP_WIDTH}x{STAMP_HEIGHT}")
    if fps <= 0 or kbps <= 0 or seconds <= 0:
        raise ValueError("FPS, KBPS and SECONDS must be positive")
    asyncio.run(run(width, height, fps, kbps, seconds, argv[5]))


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    quiet_ffmpeg()
    try:
        main(sys.argv[1:])
    except Exception as error:  # noqa: BLE001 - one line on stderr is the contract
        message = " ".join(str(error).split()) or "(no message)"
        print(f"aiortc_latency: {type(error).__name__}: {message}", file=sys.stderr, flush=True)
        sys.exit(2)
    sys.exit(0)
