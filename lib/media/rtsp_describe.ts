/**
 * What an IP camera sends, asked before its pipeline is built: one RTSP DESCRIBE (RFC 2326) over
 * TCP, and the video encoding its SDP names. An H.264 camera is passed through; another (H.265,
 * MJPEG) is decoded and encoded once. Only the camera the user named is contacted.
 */

/** How long the camera has to answer DESCRIBE. */
const DESCRIBE_TIMEOUT_MS = 3000;
/** The most of an answer read (an SDP is a few KiB). */
const MAX_ANSWER_BYTES = 64 * 1024;
/** RFC 3551's static payload types a camera may use without an rtpmap line. */
const STATIC_VIDEO: Record<string, string> = { "26": "JPEG", "32": "MPV", "34": "H263" };

/**
 * The encoding name (upper case: "H264", "H265", "JPEG") of the first video section of `sdp`;
 * undefined when it has none.
 */
export function sdpVideoEncoding(sdp: string): string | undefined {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith("m=video "));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith("m="));
  const section = lines.slice(start, end < 0 ? undefined : end);
  const payload = section[0].split(" ")[3];
  if (payload === undefined) return undefined;
  const rtpmap = section.map((l) => new RegExp(`^a=rtpmap:${payload} ([^/\\s]+)`).exec(l)).find((m) => m);
  return rtpmap ? rtpmap[1].toUpperCase() : STATIC_VIDEO[payload];
}

/** The parts of an RTSP answer DESCRIBE needs: its status and its body (the SDP). */
export function parseRtspAnswer(text: string): { status: number; body: string } | undefined {
  const head = text.indexOf("\r\n\r\n");
  if (head < 0) return undefined;
  const [statusLine, ...headers] = text.slice(0, head).split("\r\n");
  const status = /^RTSP\/1\.0 (\d{3})/.exec(statusLine);
  if (!status) return undefined;
  const length = headers.map((h) => /^content-length:\s*(\d+)/i.exec(h)).find((m) => m);
  const body = text.slice(head + 4);
  const wanted = length ? Number(length[1]) : 0;
  if (new TextEncoder().encode(body).length < wanted) return undefined; // not all of it yet
  return { status: Number(status[1]), body };
}

/**
 * The video encoding the camera at `url` describes; undefined when it cannot tell (unreachable,
 * needs a password, no answer in time): the caller then assumes H.264, as the cameras of this field send.
 */
export async function rtspVideoEncoding(
  url: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string | undefined> {
  let target: URL;
  try {
    target = new URL(url.replace(/^rtsps?:/, "http:"));
  } catch {
    return undefined;
  }
  if (url.startsWith("rtsps:")) return undefined; // TLS cameras: not probed
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DESCRIBE_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let connection: Deno.TcpConn | undefined;
  const onAbort = () => connection?.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    connection = await Deno.connect({
      hostname: target.hostname.replace(/^\[|\]$/g, ""),
      port: Number(target.port || 554),
    });
    if (signal.aborted) return undefined;
    const request = `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n` +
      `User-Agent: rov-server\r\n\r\n`;
    await connection.write(new TextEncoder().encode(request));
    let text = "";
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(8192);
    while (text.length < MAX_ANSWER_BYTES) {
      const n = await connection.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
      const answer = parseRtspAnswer(text);
      if (answer) return answer.status === 200 ? sdpVideoEncoding(answer.body) : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    signal.removeEventListener("abort", onAbort);
    try {
      connection?.close();
    } catch {
      // closed by the timeout already
    }
  }
}
