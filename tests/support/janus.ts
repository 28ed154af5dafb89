/**
 * Janus (Debian `janus`) on loopback with a configuration the test writes: only the streaming
 * plugin and the HTTP transport, ICE on `lo` alone, and one H.264 mountpoint (id 1) fed by plain
 * RTP at `videoPort`, keeping the last keyframe for each new viewer (videobufferkf), with RTCP on
 * the port above (videortcpport: Janus sends its keyframe requests back to the sender's reports).
 */
import { freeRtpPort, freeTcpPort } from "./processes.ts";
import { Output } from "./processes.ts";

const LIB = "/usr/lib/x86_64-linux-gnu/janus";

export interface RunningJanus {
  /** The Janus HTTP API, e.g. http://127.0.0.1:PORT/janus. */
  api: string;
  /** Its process (for its CPU time). */
  pid: number;
  /** Where the mountpoint takes RTP (and RTCP, on the port above). */
  videoPort: number;
  output: Output;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The streaming plugin's mountpoint for rov-server's RTP (payload type 96, H.264). */
export function janusMountpoint(videoPort: number): string {
  return `rov: {
	type = "rtp"
	id = 1
	description = "rov-stream"
	audio = false
	video = true
	videoport = ${videoPort}
	videopt = 96
	videocodec = "h264"
	videofmtp = "profile-level-id=42e01f;packetization-mode=1"
	videobufferkf = true
	videortcpport = ${videoPort + 1}
	videoiface = "127.0.0.1"
}
`;
}

export async function hasJanus(): Promise<boolean> {
  return await Deno.stat(`${LIB}/plugins/libjanus_streaming.so`).then(() => true, () => false);
}

export async function startJanus(): Promise<RunningJanus> {
  const dir = await Deno.makeTempDir({ prefix: "janus-" });
  for (const sub of ["conf", "plugins", "transports", "empty"]) await Deno.mkdir(`${dir}/${sub}`);
  await Deno.symlink(`${LIB}/plugins/libjanus_streaming.so`, `${dir}/plugins/libjanus_streaming.so`);
  await Deno.symlink(`${LIB}/transports/libjanus_http.so`, `${dir}/transports/libjanus_http.so`);
  const httpPort = freeTcpPort();
  const videoPort = freeRtpPort();
  const rtpBase = 20000 + Math.floor(Math.random() * 20000);
  await Deno.writeTextFile(
    `${dir}/conf/janus.jcfg`,
    `general: {
	configs_folder = "${dir}/conf"
	plugins_folder = "${dir}/plugins"
	transports_folder = "${dir}/transports"
	events_folder = "${dir}/empty"
	loggers_folder = "${dir}/empty"
	debug_level = 4
}
media: {
	rtp_port_range = "${rtpBase}-${rtpBase + 200}"
}
nat: {
	ice_enforce_list = "lo"
	ignore_mdns = true
}
`,
  );
  await Deno.writeTextFile(
    `${dir}/conf/janus.transport.http.jcfg`,
    `general: {
	json = "plain"
	base_path = "/janus"
	http = true
	port = ${httpPort}
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_http = false
}
cors: {
	allow_origin = "*"
}
`,
  );
  await Deno.writeTextFile(
    `${dir}/conf/janus.plugin.streaming.jcfg`,
    `general: {\n}\n${janusMountpoint(videoPort)}`,
  );
  const child = new Deno.Command("janus", {
    args: ["-F", `${dir}/conf`, "-C", `${dir}/conf/janus.jcfg`, "-o"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = new Output(child.stdout);
  void new Output(child.stderr).done;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // gone already
    }
    await child.status;
    await output.done;
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await output.wait(/HTTP webserver started/, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    api: `http://127.0.0.1:${httpPort}/janus`,
    pid: child.pid,
    videoPort,
    output,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * In a page: watches mountpoint `id` through Janus's HTTP API (create, attach the streaming plugin,
 * watch, answer its offer, start) and counts decoded frames in `globalThis.janusFrames`; its video
 * element is `globalThis.janusVideo`. The answer keeps only loopback candidates. A string for
 * page.evaluate.
 */
export function janusViewerScript(api: string, id: number): string {
  return `(async () => {
    const api = ${JSON.stringify(api)};
    const post = async (path, body) =>
      (await fetch(api + path, { method: "POST", body: JSON.stringify({ ...body, transaction: String(Math.random()).slice(2) }) })).json();
    const session = (await post("", { janus: "create" })).data.id;
    const handle = (await post("/" + session, { janus: "attach", plugin: "janus.plugin.streaming" })).data.id;
    await post("/" + session + "/" + handle, { janus: "message", body: { request: "watch", id: ${id} } });
    let jsep;
    while (!jsep) {
      const events = await (await fetch(api + "/" + session + "?maxev=5")).json();
      for (const event of Array.isArray(events) ? events : [events]) if (event.jsep) jsep = event.jsep;
    }
    const pc = new RTCPeerConnection();
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    globalThis.janusVideo = video;
    globalThis.janusFrames = 0;
    const count = () => { globalThis.janusFrames++; video.requestVideoFrameCallback(count); };
    video.requestVideoFrameCallback(count);
    pc.ontrack = (event) => { video.srcObject = new MediaStream([event.track]); };
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === "complete") return resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      setTimeout(resolve, 2000);
    });
    const sdp = pc.localDescription.sdp.split("\\r\\n")
      .filter((line) => !line.startsWith("a=candidate:") || / 127\\.0\\.0\\.1 /.test(line)).join("\\r\\n");
    await post("/" + session + "/" + handle, { janus: "message", body: { request: "start" }, jsep: { type: "answer", sdp } });
    // Kept alive without a long poll: a browser holds at most 6 connections to one host, and a poll
    // per tab would leave none for the seventh tab's requests.
    setInterval(() => post("/" + session, { janus: "keepalive" }), 15000);
  })()`;
}
