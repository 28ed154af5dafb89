/**
 * The gstreamer engine's DTLS key, kept between runs: GStreamer 1.22 would otherwise generate an
 * RSA-2048 key at every start (0.1–0.9 s, the longest wait before rov-client's first frame). The key
 * is made once (off the event loop), kept in the user's cache folder readable by the user alone, and
 * replaced after KEY_MAX_AGE_DAYS; each run still makes its own certificate (and fingerprint) from it,
 * as a browser's stored RTCCertificate does. Nothing here is fatal: without a usable file or
 * libcrypto, GStreamer makes its own key as before.
 */
import { type Environment, type HostOs, hostOs } from "../ffi/library_path.ts";
import { DTLS_KEY_BITS, hasLibcrypto, RsaKey } from "../ffi/openssl.ts";
import { log } from "../log.ts";

/** A key older than this is replaced: the next run makes a fresh one. */
export const KEY_MAX_AGE_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Where the key is kept: `$XDG_CACHE_HOME` or `~/.cache` (Linux), `~/Library/Caches` (macOS),
 * `%LOCALAPPDATA%` (Windows), in a `rov-stream` folder; `ROV_DTLS_KEY_FILE` overrides it, and an empty
 * value keeps no key. Undefined when there is no such folder. Pure.
 */
export function dtlsKeyFile(os: HostOs, env: Environment): string | undefined {
  const override = env.ROV_DTLS_KEY_FILE;
  if (override !== undefined) return override.trim() === "" ? undefined : override;
  const name = `dtls-rsa-${DTLS_KEY_BITS}.pem`;
  if (os === "windows") {
    return env.LOCALAPPDATA ? `${env.LOCALAPPDATA}\\rov-stream\\${name}` : undefined;
  }
  const home = env.HOME;
  const cache = os === "darwin"
    ? home && `${home}/Library/Caches`
    : env.XDG_CACHE_HOME?.startsWith("/")
    ? env.XDG_CACHE_HOME
    : home && `${home}/.cache`;
  return cache ? `${cache}/rov-stream/${name}` : undefined;
}

function parentOf(file: string): string {
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return cut > 0 ? file.slice(0, cut) : ".";
}

/**
 * The stored key when it is there, readable by the user alone, of the right size and young enough;
 * else undefined.
 */
async function readKey(file: string, now: number): Promise<RsaKey | undefined> {
  let text: string;
  try {
    const info = await Deno.stat(file);
    if (info.mtime && now - info.mtime.getTime() > KEY_MAX_AGE_DAYS * DAY_MS) {
      log.debug(`DTLS key ${file} is over ${KEY_MAX_AGE_DAYS} days old: making a new one`);
      return undefined;
    }
    // As ssh does with its keys: one that others may read is not trusted (the new one is 0600).
    if (info.mode !== null && (info.mode & 0o077) !== 0) {
      log.debug(`DTLS key ${file} can be read by others: making a new one`);
      return undefined;
    }
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) log.debug(`Cannot read the DTLS key ${file}: ${error}`);
    return undefined;
  }
  try {
    const key = await RsaKey.fromPem(text);
    if (key.bits === DTLS_KEY_BITS) return key;
    key.close();
    log.debug(`DTLS key ${file} is not RSA-${DTLS_KEY_BITS}: making a new one`);
  } catch (error) {
    log.debug(`Cannot use the DTLS key ${file}: ${error instanceof Error ? error.message : error}`);
  }
  return undefined;
}

/** Writes `pem` to `file` for the user alone, whole or not at all (a temporary file renamed). */
async function writeKey(file: string, pem: string): Promise<void> {
  await Deno.mkdir(parentOf(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${Deno.pid}.tmp`;
  try {
    await Deno.writeTextFile(temporary, pem, { mode: 0o600 });
    await Deno.rename(temporary, file);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * The DTLS key for this run: the one kept in `file`, or a new one (generated off the event loop,
 * then kept there for the next runs). Undefined when libcrypto cannot be loaded or no key can be
 * made; a key that cannot be kept is still used for this run.
 */
export async function storedDtlsKey(
  file: string | undefined,
  options: { now?: number } = {},
): Promise<RsaKey | undefined> {
  if (file === undefined || !hasLibcrypto()) return undefined;
  const kept = await readKey(file, options.now ?? Date.now());
  if (kept) return kept;
  let key: RsaKey;
  try {
    key = await RsaKey.generate();
  } catch (error) {
    log.debug(`Cannot make a DTLS key: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
  try {
    await writeKey(file, key.toPem());
    log.debug(`DTLS key made and kept in ${file} (later starts reuse it)`);
  } catch (error) {
    log.debug(`Cannot keep the DTLS key in ${file}: ${error instanceof Error ? error.message : error}`);
  }
  return key;
}

/** This user's DTLS key, kept where dtlsKeyFile says for this OS and environment. */
export function userDtlsKey(): Promise<RsaKey | undefined> {
  return storedDtlsKey(dtlsKeyFile(hostOs(), Deno.env.toObject()));
}

/** doctor's line about the kept key in `file` (dtlsKeyFile's answer): where, and since when. */
export async function dtlsKeyLine(file: string | undefined): Promise<string> {
  if (file === undefined) {
    return "  DTLS key: none kept (ROV_DTLS_KEY_FILE is empty, or no home folder): each start generates one (0.1–0.9 s)";
  }
  const made = await Deno.stat(file).then((info) => info.mtime ?? undefined, () => undefined);
  return made
    ? `  DTLS key: ${file} (made ${
      made.toISOString().slice(0, 10)
    }; certificates are made from it in milliseconds)`
    : `  DTLS key: none kept yet; the first start makes one (0.1–0.9 s) and keeps it in ${file}`;
}
