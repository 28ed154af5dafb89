/**
 * Makes this process's DTLS certificate with the key kept in the file given (made there when there is
 * none) and prints where its key came from and the certificate, as JSON. A process of its own: the
 * certificate is made once per process.
 */
import { dtlsCertificatePem, prepareDtlsCertificate } from "../../lib/ffi/webrtc_bin.ts";
import { storedDtlsKey } from "../../lib/webrtc/dtls_key.ts";

const source = await prepareDtlsCertificate({ key: storedDtlsKey(Deno.args[0] || undefined) });
console.log(JSON.stringify({ source, pem: await dtlsCertificatePem() }));
