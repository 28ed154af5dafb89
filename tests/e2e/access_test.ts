/** Access control (--token) and HTTPS signalling (--tls-cert/--tls-key), with real viewers. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  freeTcpPort,
  lastStatus,
  runClient,
  type RunningServer,
  SERVER,
  start,
} from "../support/processes.ts";
import { ffmpegRtsp, rtspsrcRtsp, runTool } from "../support/media_probe.ts";
import { launchChromium } from "../../bench/chromium.ts";
import { OFFER_SDP } from "../signalling/session_description_test.ts";

const TOKEN = "s3cret-token-for-the-rov";
const WRONG = TOKEN.replace("s3cret", "s3cres"); // same length, one letter apart

/** rov-server with `args`, up once its signalling line is printed (http or https). */
async function serve(args: string[]): Promise<RunningServer> {
  const running = start(SERVER, [
    ...["--source", "test", "--width", "640", "--height", "360", "--host", "127.0.0.1"],
    ...["--signal-port", "0", "--rtsp-port", "0", "--no-discovery", ...args],
  ]);
  const match = await running.stderr.wait(/signalling https?:\/\/[^:]+:(\d+)\//);
  const port = Number(match[1]);
  return { ...running, url: `http://127.0.0.1:${port}`, port, discoveryPort: 0 };
}

/** openssl with `input` on its standard input (an extensions file). */
async function opensslWithInput(args: string[], input: string) {
  const child = new Deno.Command("openssl", { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

function viewer(port: number, ...extra: string[]): string[] {
  return ["--host", "127.0.0.1", "--signal-port", String(port), "--headless", "--no-reconnect", ...extra];
}

Deno.test("rov-server --token: every API route answers 401 without the token or with a wrong one, and works with it", async () => {
  const server = await serve(["--token", TOKEN]);
  const id = "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11";
  const routes: [string, string, string?, string?][] = [
    ["POST", "/offer", JSON.stringify({ type: "offer", sdp: OFFER_SDP }), "application/json"],
    ["POST", "/whep", OFFER_SDP, "application/sdp"],
    ["POST", "/whep/video", OFFER_SDP, "application/sdp"],
    ["DELETE", `/whep/${id}`],
    ["GET", "/api/status"],
    ["GET", "/api/clock"],
    ["POST", "/api/keyframe"],
    ["GET", "/api/recording"],
    ["POST", "/api/recording", JSON.stringify({ recording: false }), "application/json"],
    ["GET", `/api/viewers/${id}`],
    ["POST", `/api/rtp-viewers/${id}/latency`, "{}", "application/json"],
    ["GET", "/stream.sdp"],
  ];
  try {
    for (const [method, path, body, type] of routes) {
      const ask = async (authorization?: string) => {
        const headers: Record<string, string> = type ? { "content-type": type } : {};
        if (authorization) headers.authorization = authorization;
        const response = await fetch(server.url + path, { method, body, headers });
        await response.body?.cancel();
        return response;
      };
      for (const header of [undefined, `Bearer ${WRONG}`, `Basic ${btoa(`rov:${TOKEN}`)}`, TOKEN]) {
        const refused = await ask(header);
        assertEquals(refused.status, 401, `${method} ${path} with ${header}`);
        assertMatch(refused.headers.get("www-authenticate") ?? "", /^Bearer realm="rov-stream"/);
      }
      const allowed = await ask(`Bearer ${TOKEN}`);
      assert(allowed.status !== 401, `${method} ${path} with the token: ${allowed.status}`);
    }
    // The page (which asks for the token) and the health check need none.
    for (const path of ["/", "/healthz"]) {
      const response = await fetch(server.url + path);
      await response.body?.cancel();
      assertEquals(response.status, 200, path);
    }
    const played = await runClient(viewer(server.port, "--token", TOKEN, "--frames", "10"));
    assertEquals(played.code, 0, played.stderr);
    assertEquals(lastStatus(played.stdout).size, "640x360");
    const refused = await runClient(viewer(server.port, "--frames", "10"));
    assert(refused.code !== 0);
    assertMatch(refused.stderr, /\(401\): This server needs its access token/);
    const wrong = await runClient(viewer(server.port, "--token", WRONG, "--frames", "10"));
    assert(wrong.code !== 0);
    assertMatch(wrong.stderr, /\(401\): Wrong access token/);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-server --token: RTSP asks for user rov and the token (Digest); ffmpeg and rtspsrc play with them only", async () => {
  const rtspPort = freeTcpPort();
  const server = await serve(["--token", TOKEN, "--rtsp-port", String(rtspPort)]);
  const url = (user?: string) => `rtsp://${user ? `${user}@` : ""}127.0.0.1:${rtspPort}/video`;
  try {
    assertMatch(
      server.stderr.text,
      new RegExp(`RTSP rtsp://[^ ]+:${rtspPort}/video \\(user rov, the token as password\\)`),
    );
    assert(!server.stderr.text.includes(TOKEN), "the token is never logged");
    const played = await ffmpegRtsp(url(`rov:${TOKEN}`), "tcp", 30);
    assertEquals(played.code, 0, played.stderr);
    assertMatch(played.stderr, /frame=\s*30/);
    for (const user of [undefined, `rov:${WRONG}`, `pilot:${TOKEN}`]) {
      const refused = await ffmpegRtsp(url(user), "tcp", 30);
      assert(refused.code !== 0, `${user}: ${refused.stderr}`);
      assertMatch(refused.stderr, /401 Unauthorized/, `${user}`);
    }
    // Asked with nothing, it offers Digest alone: Basic would send the token in the clear.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: rtspPort });
    await conn.write(new TextEncoder().encode(`DESCRIBE ${url()} RTSP/1.0\r\nCSeq: 1\r\n\r\n`));
    const reply = new Uint8Array(4096);
    const answer = new TextDecoder().decode(reply.subarray(0, (await conn.read(reply)) ?? 0));
    conn.close();
    assertMatch(answer, /^RTSP\/1.0 401 Unauthorized/);
    assertMatch(answer, /WWW-Authenticate: Digest realm="rov-stream"/);
    assert(!/Basic/.test(answer), answer);
    // GStreamer's client (QGroundControl's) signs in by Digest too.
    const gst = await rtspsrcRtsp(url(), "tcp", 30, { user: "rov", password: TOKEN });
    assertEquals(gst.decoded, 30, gst.stderr);
    const status = await (await fetch(`${server.url}/api/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })).json();
    assertEquals(status.rtsp.urls, [url()], "URLs without credentials");
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("the viewer page asks once for the token and plays with it", async () => {
  const server = await serve(["--token", TOKEN]);
  const { browser, close } = await launchChromium();
  try {
    const tab = await browser.newPage();
    let asked = 0;
    tab.on("dialog", (dialog) => {
      asked++;
      void dialog.accept(TOKEN);
    });
    await tab.goto(`${server.url}/`);
    await tab.waitForFunction(`(globalThis.rovStats?.frames ?? 0) > 20`, undefined, { timeout: 25_000 });
    assertEquals(asked, 1, "asked once");
  } finally {
    await close();
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("HTTPS signalling with a self-signed certificate: rov-client told to trust it and Chromium play", async () => {
  const dir = await Deno.makeTempDir();
  // A CA of the test's own, and the server's certificate it signs (as a vehicle's would be).
  const [ca, caKey, cert, key, csr] = ["ca.pem", "ca-key.pem", "cert.pem", "key.pem", "cert.csr"].map((f) =>
    `${dir}/${f}`
  );
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  for (
    const args of [
      ["req", "-x509", ...ec, "-days", "1", "-subj", "/CN=rov-stream test CA", "-keyout", caKey, "-out", ca],
      ["req", ...ec, "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr],
      [
        ...[
          "x509",
          "-req",
          "-in",
          csr,
          "-CA",
          ca,
          "-CAkey",
          caKey,
          "-CAcreateserial",
          "-days",
          "1",
          "-out",
          cert,
        ],
        ...["-extfile", "/dev/stdin"],
      ],
    ]
  ) {
    const made = args[0] === "x509"
      ? await opensslWithInput(args, "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
      : await runTool("openssl", args);
    assertEquals(made.code, 0, made.stderr);
  }
  const server = await serve(["--tls-cert", cert, "--tls-key", key]);
  const { browser, close } = await launchChromium({ ignoreHTTPSErrors: true });
  try {
    assertMatch(server.stderr.text, /signalling https:\/\/127\.0\.0\.1:\d+\//);
    const base = `https://127.0.0.1:${server.port}`;
    const played = await runClient(["--host", `${base}/`, "--ca-cert", ca, "--headless", "--frames", "10"]);
    assertEquals(played.code, 0, played.stderr);
    assertEquals(lastStatus(played.stdout).size, "640x360");
    // Without trusting the certificate, the client says why it cannot connect.
    const untrusted = await runClient([
      "--host",
      `${base}/`,
      "--headless",
      "--frames",
      "10",
      "--no-reconnect",
    ]);
    assert(untrusted.code !== 0);
    assertMatch(untrusted.stderr, /Cannot reach rov-server at https:/);
    const tab = await browser.newPage();
    await tab.goto(`${base}/`);
    await tab.waitForFunction(`(globalThis.rovStats?.frames ?? 0) > 20`, undefined, { timeout: 25_000 });
  } finally {
    await close();
    assertEquals(await server.stop(), 0, server.stderr.text);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rov-server refuses a short token and a token file it cannot read, in one line", async () => {
  for (
    const [args, message] of [
      [["--token", "short"], /^rov-server: Invalid --token: too short \(at least 8 characters\)\n/],
      [
        ["--token-file", "/nonexistent/token"],
        /^rov-server: Cannot read --token-file \/nonexistent\/token: /,
      ],
      [["--tls-cert", "/x.pem"], /^rov-server: --tls-cert and --tls-key go together/],
    ] as const
  ) {
    const port = freeTcpPort();
    const out = await runTool(Deno.execPath(), [
      ...["run", "-A", SERVER, "--source", "test", "--host", "127.0.0.1", "--signal-port", String(port)],
      ...args,
    ]);
    assertEquals(out.code, 2, out.stderr); // a usage error
    assertMatch(out.stderr, message);
  }
});
