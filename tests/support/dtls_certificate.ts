/**
 * Makes this process's DTLS certificate with the key kept in the file given (made there when there is
 * none; "" for none) and prints where its key came from and the certificate, as JSON. With a second
 * argument, a fresh key of that many bits is given instead of the file's. A process of its own: the
 * certificate is made once per process.
 */
import { dtlsCertificatePem, prepareDtlsCertificate } from "../../lib/ffi/webrtc_bin.ts";
import { RsaKey } from "../../lib/ffi/openssl.ts";
import { storedDtlsKey } from "../../lib/webrtc/dtls_key.ts";

const [file, bits] = Deno.args;
const key = bits ? RsaKey.generate(Number(bits)) : storedDtlsKey(file || undefined);
const source = await prepareDtlsCertificate({ key });
console.log(JSON.stringify({ source, pem: await dtlsCertificatePem() }));
