"""Counts RTP packets on a UDP port for a while: packets, bytes, sequence gaps. One JSON line out.
Usage: /usr/bin/python3 bench/udp_counter.py PORT SECONDS"""
import json, socket, sys, time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
sock.bind(("127.0.0.1", port))
sock.settimeout(0.5)
packets = bytes_ = lost = 0
highest = None
start = None
end = time.monotonic() + seconds + 30
while time.monotonic() < end:
    try:
        data = sock.recv(65536)
    except socket.timeout:
        if start is not None:
            break
        continue
    now = time.monotonic()
    if start is None:
        start, end = now, now + seconds
    packets += 1
    bytes_ += len(data)
    seq = (data[2] << 8) | data[3]
    if highest is not None:
        ahead = (seq - highest) & 0xFFFF
        if 0 < ahead < 0x8000:
            lost += ahead - 1
            highest = seq
    else:
        highest = seq
elapsed = max(1e-3, (time.monotonic() - start) if start else 1e-3)
print(json.dumps({"packets": packets, "mbps": bytes_ * 8 / elapsed / 1e6, "lost": lost,
                  "loss_percent": 100 * lost / max(1, packets + lost), "seconds": elapsed}))
