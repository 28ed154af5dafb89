/**
 * How much the two transports carry on loopback, with packets made by GStreamer:
 * pre-encoded high-bitrate H.264 files (noise, so the bitrate is real) sent with --file-passthrough.
 * RTP: delivered Mbit/s and loss at a UDP counter, and rov-server's CPU. WebRTC: loss at a
 * receive-only werift viewer, to find where loss starts. Loopback only.
 * Run: deno run -A bench/throughput.ts
 */
import { rtpArgs, start, startServer } from "../tests/support/processes.ts";
import { freeRtpPort } from "../lib/free_port.ts";

const OUT = new URL("out/", import.meta.url).pathname;
const PACKET_VIEWER = new URL("packet_viewer.ts", import.meta.url).pathname;
const COUNTER = new URL("udp_counter.py", import.meta.url).pathname;

/** An H.264 file of noise at about `mbps`, cached in bench/out. */
async function noiseFile(width: number, height: number, fps: number, mbps: number): Promise<string> {
  await Deno.mkdir(OUT, { recursive: true });
  const path = `${OUT}noise-${width}x${height}-${fps}-${mbps}.ts`;
  if (await Deno.stat(path).then(() => true, () => false)) return path;
  console.error(`  encoding ${path} ...`);
  const description =
    `videotestsrc num-buffers=${
      fps * 6
    } pattern=snow ! video/x-raw,width=${width},height=${height},framerate=${fps}/1 ! ` +
    `x264enc speed-preset=ultrafast tune=zerolatency bitrate=${
      mbps * 1000
    } vbv-buf-capacity=1000 key-int-max=${fps} ! h264parse ! mpegtsmux ! filesink location=${path}`;
  const out = await new Deno.Command("gst-launch-1.0", {
    args: ["-q", ...description.split(" ")],
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return path;
}

async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rtp(file: string): Promise<string> {
  const port = freeRtpPort();
  const server = await startServer([
    "--source",
    "file",
    "--file",
    file,
    "--file-passthrough",
    ...rtpArgs(port),
  ]);
  try {
    const before = await cpuSeconds(server.child.pid);
    const t0 = performance.now();
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [COUNTER, String(port), "8"],
      stdout: "piped",
    }).output();
    const cpu = ((await cpuSeconds(server.child.pid)) - before) / ((performance.now() - t0) / 1000) * 100;
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    return `RTP: ${r.mbps.toFixed(1)} Mbit/s delivered, ${r.packets} packets, loss ${
      r.loss_percent.toFixed(2)
    } %, rov-server CPU ${cpu.toFixed(0)} %`;
  } finally {
    await server.stop();
  }
}

async function webrtc(file: string): Promise<string> {
  const server = await startServer(["--source", "file", "--file", file, "--file-passthrough"]);
  try {
    const viewer = start(PACKET_VIEWER, [`${server.url}/offer`, "8"]);
    await viewer.child.status;
    await viewer.stdout.done;
    const last = viewer.stdout.text.trim().split("\n").at(-1) ?? "";
    return `WebRTC: ${last}`;
  } finally {
    await server.stop();
  }
}

for (
  const [w, h, fps, mbps] of [[1280, 720, 30, 10], [1280, 720, 30, 20], [1920, 1080, 30, 40], [
    1920,
    1080,
    60,
    100,
  ], [3840, 2160, 30, 250]]
) {
  console.error(`${w}x${h}@${fps} noise at ${mbps} Mbit/s:`);
  const file = await noiseFile(w, h, fps, mbps);
  console.log(`${w}x${h}@${fps} ~${mbps} Mbit/s | ${await rtp(file)}`);
  if (mbps <= 100) console.log(`${w}x${h}@${fps} ~${mbps} Mbit/s | ${await webrtc(file)}`);
}
