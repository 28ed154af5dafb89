import { assert, assertEquals, assertRejects, assertThrows } from "../support/assert.ts";
import { CryptoError, DTLS_KEY_BITS, RsaKey } from "../../lib/ffi/openssl.ts";

Deno.test("RsaKey.generate makes an RSA-2048 key that toPem and fromPem carry over whole", async () => {
  using key = await RsaKey.generate();
  assertEquals(key.bits, DTLS_KEY_BITS);
  const pem = key.toPem();
  assert(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), pem.slice(0, 40));
  using again = await RsaKey.fromPem(pem);
  assertEquals(again.toPem(), pem);
});

Deno.test("RsaKey.fromPem rejects text that holds no key, saying so", async () => {
  await assertRejects(
    () => RsaKey.fromPem("not a key\n"),
    /CryptoError: Cannot read the RSA private key: no unencrypted PEM RSA key in it$/,
  );
  await RsaKey.fromPem("").then(() => assert(false), (error) => assert(error instanceof CryptoError));
});

Deno.test("RsaKey.fromPem reads a PKCS#8 key from openssl genpkey", async () => {
  const made = await new Deno.Command("openssl", {
    args: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    stdout: "piped",
    stderr: "null",
  }).output();
  assert(made.success);
  const pem = new TextDecoder().decode(made.stdout);
  assert(pem.startsWith("-----BEGIN PRIVATE KEY-----"));
  using key = await RsaKey.fromPem(pem);
  assertEquals(key.bits, 1024);
});

Deno.test("RsaKey.close is safe to call twice and the closed key refuses use", async () => {
  const key = await RsaKey.generate(1024);
  key.close();
  key.close();
  assertThrows(() => key.toPem(), /CryptoError: The RSA key is closed$/);
});
