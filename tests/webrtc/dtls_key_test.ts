import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { dtlsKeyFile, dtlsKeyLine, KEY_MAX_AGE_DAYS, storedDtlsKey } from "../../lib/webrtc/dtls_key.ts";

const CERTIFICATE_CHILD = new URL("../support/dtls_certificate.ts", import.meta.url).pathname;

Deno.test("dtlsKeyFile keeps the key in each OS's per-user cache folder", () => {
  assertEquals(
    dtlsKeyFile("linux", { HOME: "/home/pilot" }),
    "/home/pilot/.cache/rov-stream/dtls-rsa-2048.pem",
  );
  assertEquals(
    dtlsKeyFile("linux", { HOME: "/home/pilot", XDG_CACHE_HOME: "/var/cache/pilot" }),
    "/var/cache/pilot/rov-stream/dtls-rsa-2048.pem",
  );
  // XDG says a relative value is to be ignored.
  assertEquals(
    dtlsKeyFile("linux", { HOME: "/home/pilot", XDG_CACHE_HOME: "cache" }),
    "/home/pilot/.cache/rov-stream/dtls-rsa-2048.pem",
  );
  assertEquals(
    dtlsKeyFile("darwin", { HOME: "/Users/pilot" }),
    "/Users/pilot/Library/Caches/rov-stream/dtls-rsa-2048.pem",
  );
  assertEquals(
    dtlsKeyFile("windows", { LOCALAPPDATA: "C:\\Users\\pilot\\AppData\\Local" }),
    "C:\\Users\\pilot\\AppData\\Local\\rov-stream\\dtls-rsa-2048.pem",
  );
});

Deno.test("dtlsKeyFile takes ROV_DTLS_KEY_FILE, keeps none when it is empty or there is no home", () => {
  assertEquals(
    dtlsKeyFile("linux", { HOME: "/h", ROV_DTLS_KEY_FILE: "/etc/rov/key.pem" }),
    "/etc/rov/key.pem",
  );
  assertEquals(dtlsKeyFile("linux", { HOME: "/h", ROV_DTLS_KEY_FILE: "" }), undefined);
  assertEquals(dtlsKeyFile("linux", {}), undefined);
  assertEquals(dtlsKeyFile("windows", {}), undefined);
});

Deno.test("storedDtlsKey makes a key, keeps it for the user alone and gives the same one next time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/cache/rov-stream/key.pem`;
    const first = await storedDtlsKey(file);
    assert(first);
    const pem = first.toPem();
    first.close();
    assertEquals(await Deno.readTextFile(file), pem);
    assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
    assertEquals((await Deno.stat(`${dir}/cache/rov-stream`)).mode! & 0o777, 0o700);
    using second = await storedDtlsKey(file);
    assertEquals(second?.toPem(), pem);
    // Past its age the key is replaced.
    using later = await storedDtlsKey(file, { now: Date.now() + (KEY_MAX_AGE_DAYS + 1) * 86_400_000 });
    assert(later && later.toPem() !== pem);
    assertEquals(await Deno.readTextFile(file), later.toPem());
    // A key others may read is replaced too.
    await Deno.chmod(file, 0o644);
    using exposed = await storedDtlsKey(file);
    assert(exposed && exposed.toPem() !== later.toPem());
    assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storedDtlsKey replaces a file that holds no key, and still gives a key it cannot keep", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/key.pem`, "garbage\n");
    using replaced = await storedDtlsKey(`${dir}/key.pem`);
    assert(replaced);
    assertEquals(await Deno.readTextFile(`${dir}/key.pem`), replaced.toPem());
    // The folder is a file: nothing can be kept there.
    await Deno.writeTextFile(`${dir}/file`, "");
    using unkept = await storedDtlsKey(`${dir}/file/key.pem`);
    assertEquals(unkept?.bits, 2048);
    assertEquals(await storedDtlsKey(undefined), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function certificateWith(file: string, bits?: number): Promise<{ source: string; pem: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CERTIFICATE_CHILD, file, ...(bits ? [String(bits)] : [])],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

async function modulus(kind: "x509" | "rsa", pem: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args: [kind, "-noout", "-modulus"],
    stdin: "piped",
    stdout: "piped",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(pem));
  await writer.close();
  const out = await child.output();
  assert(out.success);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("prepareDtlsCertificate makes GStreamer's certificate from the stored key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/key.pem`;
    const first = await certificateWith(file); // makes and keeps the key
    const second = await certificateWith(file); // reads it
    assertEquals([first.source, second.source], ["stored key", "stored key"]);
    const key = await modulus("rsa", await Deno.readTextFile(file));
    assertEquals(await modulus("x509", first.pem), key);
    assertEquals(await modulus("x509", second.pem), key);
    // Without a key file GStreamer generates the key itself, as before.
    const own = await certificateWith("");
    assertEquals(own.source, "generated by GStreamer");
    assert((await modulus("x509", own.pem)) !== key);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareDtlsCertificate lets OpenSSL generate the key GStreamer asks for when the given one is another size", async () => {
  const made = await certificateWith("", 1024);
  assertEquals(made.source, "stored key not used");
  const text = await new Deno.Command("openssl", {
    args: ["x509", "-noout", "-text"],
    stdin: "piped",
    stdout: "piped",
  })
    .spawn();
  const writer = text.stdin.getWriter();
  await writer.write(new TextEncoder().encode(made.pem));
  await writer.close();
  assertMatch(new TextDecoder().decode((await text.output()).stdout), /Public-Key: \(2048 bit\)/);
});

Deno.test("dtlsKeyLine says where the key is kept and since when, or that none is", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertMatch(
      await dtlsKeyLine(`${dir}/key.pem`),
      /none kept yet; the first start makes one .* in \/.*\/key\.pem$/,
    );
    await Deno.writeTextFile(`${dir}/key.pem`, "");
    assertMatch(
      await dtlsKeyLine(`${dir}/key.pem`),
      new RegExp(`^  DTLS key: .*/key\\.pem \\(made ${new Date().toISOString().slice(0, 10)};`),
    );
    assertMatch(await dtlsKeyLine(undefined), /^ {2}DTLS key: none kept \(ROV_DTLS_KEY_FILE is empty/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
