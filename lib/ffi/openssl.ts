/**
 * OpenSSL's RSA keys, for GStreamer's DTLS certificate. GStreamer 1.22's first dtlsdec of a process
 * makes the process's certificate with a fresh RSA-2048 key (`RSA_generate_key_ex`, 0.1–0.9 s here),
 * before any property can be set. That key generation goes through OpenSSL's default RSA method, so
 * a method whose key generation hands over a stored key makes the certificate in milliseconds: see
 * `withStoredKeygen`. The libcrypto opened here is the one GStreamer's DTLS plugin is linked to when
 * both come from the same install (the loader shares one copy); when they differ the stored key is
 * simply not used, and `withStoredKeygen` says so.
 */
import { cryptoCandidates, hostOs } from "./library_path.ts";
import { cString } from "./gst.ts";

const SYMBOLS = {
  RSA_new: { parameters: [], result: "pointer" }, // RSA *RSA_new(void)
  RSA_free: { parameters: ["pointer" /* RSA *rsa */], result: "void" },
  RSA_generate_key_ex: {
    parameters: [
      "pointer", // RSA *rsa
      "i32", // int bits
      "pointer", // BIGNUM *e
      "pointer", // BN_GENCB *cb
    ],
    result: "i32", // int: 1 on success
    nonblocking: true, // a prime search: 0.1-0.9 s
  },
  RSA_generate_key_now: {
    name: "RSA_generate_key_ex",
    parameters: [
      "pointer", // RSA *rsa
      "i32", // int bits
      "pointer", // BIGNUM *e
      "pointer", // BN_GENCB *cb
    ],
    result: "i32", // int: 1 on success
  },
  RSA_set_method: {
    parameters: [
      "pointer", // RSA *rsa
      "pointer", // const RSA_METHOD *meth
    ],
    result: "i32",
  },
  RSA_get_default_method: { parameters: [], result: "pointer" }, // const RSA_METHOD *(void)
  RSA_PKCS1_OpenSSL: { parameters: [], result: "pointer" }, // const RSA_METHOD *(void): the built-in one
  RSA_set_default_method: { parameters: ["pointer" /* const RSA_METHOD *meth */], result: "void" },
  RSA_meth_dup: { parameters: ["pointer" /* const RSA_METHOD *meth */], result: "pointer" }, // RSA_METHOD *
  RSA_meth_set_keygen: {
    parameters: [
      "pointer", // RSA_METHOD *rsa
      "function", // int (*keygen)(RSA *rsa, int bits, BIGNUM *e, BN_GENCB *cb), or NULL
    ],
    result: "i32",
  },
  RSA_get0_key: {
    parameters: [
      "pointer", // const RSA *r
      "buffer", // const BIGNUM **n
      "buffer", // const BIGNUM **e
      "buffer", // const BIGNUM **d
    ],
    result: "void",
  },
  RSA_get0_factors: {
    parameters: [
      "pointer", // const RSA *r
      "buffer", // const BIGNUM **p
      "buffer", // const BIGNUM **q
    ],
    result: "void",
  },
  RSA_get0_crt_params: {
    parameters: [
      "pointer", // const RSA *r
      "buffer", // const BIGNUM **dmp1
      "buffer", // const BIGNUM **dmq1
      "buffer", // const BIGNUM **iqmp
    ],
    result: "void",
  },
  RSA_set0_key: {
    parameters: [
      "pointer", // RSA *r
      "pointer", // BIGNUM *n (transfer full)
      "pointer", // BIGNUM *e (transfer full)
      "pointer", // BIGNUM *d (transfer full)
    ],
    result: "i32",
  },
  RSA_set0_factors: {
    parameters: [
      "pointer", // RSA *r
      "pointer", // BIGNUM *p (transfer full)
      "pointer", // BIGNUM *q (transfer full)
    ],
    result: "i32",
  },
  RSA_set0_crt_params: {
    parameters: [
      "pointer", // RSA *r
      "pointer", // BIGNUM *dmp1 (transfer full)
      "pointer", // BIGNUM *dmq1 (transfer full)
      "pointer", // BIGNUM *iqmp (transfer full)
    ],
    result: "i32",
  },
  RSA_bits: { parameters: ["pointer" /* const RSA *rsa */], result: "i32" },
  BN_new: { parameters: [], result: "pointer" }, // BIGNUM *BN_new(void)
  BN_free: { parameters: ["pointer" /* BIGNUM *a */], result: "void" },
  BN_dup: { parameters: ["pointer" /* const BIGNUM *a */], result: "pointer" }, // BIGNUM *
  BN_set_word: {
    parameters: [
      "pointer", // BIGNUM *a
      "u64", // BN_ULONG w
    ],
    result: "i32",
  },
  BIO_new_mem_buf: {
    parameters: [
      "buffer", // const void *buf
      "i32", // int len (-1: NUL-terminated)
    ],
    result: "pointer", // BIO *
  },
  BIO_s_mem: { parameters: [], result: "pointer" }, // const BIO_METHOD *BIO_s_mem(void)
  BIO_new: { parameters: ["pointer" /* const BIO_METHOD *type */], result: "pointer" }, // BIO *
  BIO_free: { parameters: ["pointer" /* BIO *a */], result: "i32" },
  BIO_ctrl: {
    parameters: [
      "pointer", // BIO *bp
      "i32", // int cmd (BIO_CTRL_INFO: BIO_get_mem_data)
      "i64", // long larg
      "buffer", // void *parg (char **: the memory BIO's data)
    ],
    result: "i64", // long: the data's length
  },
  PEM_read_bio_RSAPrivateKey: {
    parameters: [
      "pointer", // BIO *bp
      "pointer", // RSA **x (NULL)
      "pointer", // pem_password_cb *cb (NULL)
      "pointer", // void *u (NULL)
    ],
    result: "pointer", // RSA * (transfer full), NULL on error
    nonblocking: true, // OpenSSL 3 sets up its decoders at the first: ~15 ms
  },
  PEM_write_bio_RSAPrivateKey: {
    parameters: [
      "pointer", // BIO *bp
      "pointer", // const RSA *x
      "pointer", // const EVP_CIPHER *enc (NULL: unencrypted)
      "pointer", // const unsigned char *kstr
      "i32", // int klen
      "pointer", // pem_password_cb *cb
      "pointer", // void *u
    ],
    result: "i32", // 1 on success
  },
  ERR_get_error: { parameters: [], result: "u64" }, // unsigned long ERR_get_error(void)
  ERR_error_string_n: {
    parameters: [
      "u64", // unsigned long e
      "buffer", // char *buf
      "usize", // size_t len
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

type Crypto = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** An OpenSSL call that failed, with OpenSSL's own text. */
export class CryptoError extends Error {
  override name = "CryptoError";
}

const BIO_CTRL_INFO = 3;
const RSA_F4 = 65537n;
/** GStreamer 1.22's certificate key: RSA, 2048 bits (gstdtlscertificate.c). */
export const DTLS_KEY_BITS = 2048;

let opened: Crypto | null | undefined;

/** libcrypto, opened once; null where none loads (then GStreamer makes its own key). */
function libcrypto(): Crypto | null {
  if (opened !== undefined) return opened;
  opened = null;
  for (const path of cryptoCandidates(hostOs(), Deno.env.toObject())) {
    try {
      opened = Deno.dlopen(path, SYMBOLS).symbols;
      break;
    } catch {
      // the next candidate
    }
  }
  return opened;
}

/** Whether OpenSSL's libcrypto can be opened here. */
export function hasLibcrypto(): boolean {
  return libcrypto() !== null;
}

function openssl(): Crypto {
  const lib = libcrypto();
  if (lib === null) throw new CryptoError("Cannot load OpenSSL's libcrypto");
  return lib;
}

/**
 * The one check for OpenSSL results: a NULL (or a 0 status) becomes a CryptoError naming `context`,
 * with the text of OpenSSL's first queued error. OpenSSL queues errors per thread, so a call made off
 * the event loop (nonblocking) leaves none here: `reason` then says what went wrong.
 */
function checkedCrypto<T extends Deno.PointerValue | number>(
  result: T,
  context: string,
  reason = "OpenSSL gave no reason",
): NonNullable<T> {
  if (result !== null && result !== 0) return result as NonNullable<T>;
  const lib = openssl();
  const code = lib.ERR_get_error();
  if (code !== 0n) {
    const text = new Uint8Array(256);
    lib.ERR_error_string_n(code, text, BigInt(text.length));
    reason = new TextDecoder().decode(text.subarray(0, text.indexOf(0))).trim();
    while (lib.ERR_get_error() !== 0n) {
      // the rest of the queue belongs to this failure too
    }
  }
  throw new CryptoError(`${context}: ${reason}`);
}

function outPointers(count: number): BigUint64Array<ArrayBuffer>[] {
  return Array.from({ length: count }, () => new BigUint64Array(1));
}

/** An RSA private key held by OpenSSL. */
export class RsaKey {
  #handle: Deno.PointerObject | null;

  private constructor(handle: Deno.PointerObject) {
    this.#handle = handle;
  }

  /**
   * Reads a PEM RSA private key (PKCS#1 or PKCS#8, unencrypted), off the event loop (OpenSSL 3's
   * first decode sets up its decoders: ~15 ms). Not checked with RSA_check_key, whose primality tests
   * take ~70 ms: the key is one this program wrote.
   */
  static async fromPem(pem: string): Promise<RsaKey> {
    const lib = openssl();
    const text = cString(pem);
    const bio = checkedCrypto(lib.BIO_new_mem_buf(text, -1), "Cannot read the key");
    let rsa: Deno.PointerValue;
    try {
      rsa = await lib.PEM_read_bio_RSAPrivateKey(bio, null, null, null);
    } finally {
      lib.BIO_free(bio);
      text.fill(0); // the BIO read `text` in place, on another thread: it is held until here
    }
    return new RsaKey(
      checkedCrypto(rsa, "Cannot read the RSA private key", "no unencrypted PEM RSA key in it"),
    );
  }

  /** A fresh key (public exponent 65537), generated off the event loop. */
  static async generate(bits = DTLS_KEY_BITS): Promise<RsaKey> {
    const lib = openssl();
    const rsa = checkedCrypto(lib.RSA_new(), "Cannot make an RSA key");
    const key = new RsaKey(rsa);
    const e = lib.BN_new();
    try {
      // The built-in method, whatever the process default is (see withStoredKeygen).
      checkedCrypto(lib.RSA_set_method(rsa, lib.RSA_PKCS1_OpenSSL()), "Cannot make an RSA key");
      checkedCrypto(
        lib.BN_set_word(checkedCrypto(e, "Cannot make an RSA key"), RSA_F4),
        "Cannot make an RSA key",
      );
      checkedCrypto(
        await lib.RSA_generate_key_ex(rsa, bits, e, null),
        "Cannot generate an RSA key",
        `${bits} bits`,
      );
      return key;
    } catch (error) {
      key.close();
      throw error;
    } finally {
      if (e !== null) lib.BN_free(e);
    }
  }

  get bits(): number {
    return openssl().RSA_bits(this.#live());
  }

  /** The key as unencrypted PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"). */
  toPem(): string {
    const lib = openssl();
    const bio = checkedCrypto(lib.BIO_new(lib.BIO_s_mem()), "Cannot write the key");
    try {
      checkedCrypto(
        lib.PEM_write_bio_RSAPrivateKey(bio, this.#live(), null, null, 0, null, null),
        "Cannot write the RSA private key",
      );
      const data = new BigUint64Array(1);
      const length = Number(lib.BIO_ctrl(bio, BIO_CTRL_INFO, 0n, data));
      const start = Deno.UnsafePointer.create(data[0]);
      if (start === null || length <= 0) throw new CryptoError("Cannot write the RSA private key: no output");
      return new TextDecoder().decode(Deno.UnsafePointerView.getArrayBuffer(start, length));
    } finally {
      lib.BIO_free(bio);
    }
  }

  /** Copies this key's numbers into `target` (an RSA being generated). */
  copyInto(target: Deno.PointerObject): void {
    const lib = openssl();
    const [n, e, d, p, q, dmp1, dmq1, iqmp] = outPointers(8);
    const rsa = this.#live();
    lib.RSA_get0_key(rsa, n, e, d);
    lib.RSA_get0_factors(rsa, p, q);
    lib.RSA_get0_crt_params(rsa, dmp1, dmq1, iqmp);
    const dup = (out: BigUint64Array) =>
      checkedCrypto(lib.BN_dup(Deno.UnsafePointer.create(out[0])), "Cannot copy the RSA key");
    checkedCrypto(lib.RSA_set0_key(target, dup(n), dup(e), dup(d)), "Cannot copy the RSA key");
    checkedCrypto(lib.RSA_set0_factors(target, dup(p), dup(q)), "Cannot copy the RSA key");
    checkedCrypto(
      lib.RSA_set0_crt_params(target, dup(dmp1), dup(dmq1), dup(iqmp)),
      "Cannot copy the RSA key",
    );
  }

  #live(): Deno.PointerObject {
    if (this.#handle === null) throw new CryptoError("The RSA key is closed");
    return this.#handle;
  }

  close(): void {
    if (this.#handle === null) return;
    openssl().RSA_free(this.#handle);
    this.#handle = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Runs `make` (synchronous: on this thread) with OpenSSL's default RSA method set to one whose key
 * generation hands over `key` instead of searching for primes, then puts the previous default back.
 * `used` says whether the key was handed over (false: `make` made none, or it went through another
 * libcrypto). The method stays allocated: keys made under it keep pointing at it.
 */
export function withStoredKeygen<T>(key: RsaKey, make: () => T): { value: T; used: boolean } {
  const lib = openssl();
  let used = false;
  const keygen = new Deno.UnsafeCallback(
    { parameters: ["pointer", "i32", "pointer", "pointer"], result: "i32" } as const,
    (rsa, bits, e, callback) => {
      if (rsa === null) return 0;
      try {
        if (bits === key.bits) {
          key.copyInto(rsa);
          used = true;
          return 1;
        }
      } catch {
        // generated below instead
      }
      // Not the key asked for (another size): OpenSSL's own generation, here and now, as without this.
      if (lib.RSA_set_method(rsa, lib.RSA_PKCS1_OpenSSL()) === 0) return 0;
      return lib.RSA_generate_key_now(rsa, bits, e, callback);
    },
  );
  const previous = lib.RSA_get_default_method();
  const method = checkedCrypto(lib.RSA_meth_dup(previous), "Cannot make an RSA method");
  try {
    checkedCrypto(lib.RSA_meth_set_keygen(method, keygen.pointer), "Cannot make an RSA method");
    lib.RSA_set_default_method(method);
    try {
      return { value: make(), used };
    } finally {
      lib.RSA_set_default_method(previous);
      // Keys made under the method keep it; they fall back to the built-in generation from now on.
      lib.RSA_meth_set_keygen(method, null);
    }
  } finally {
    keygen.close();
  }
}
