/**
 * rov-client: finds an rov-server (or takes --host), receives its video over WebRTC, decodes and
 * shows it natively. Q or Esc in the window, or Ctrl+C, quits. A status line each second.
 *
 * What takes longest before a first frame starts first (startClient: GStreamer and the DTLS
 * certificate); the rest of the program loads meanwhile (runClient).
 */
import { CLIENT_HELP, parseClientOptions } from "./lib/cli/client_options.ts";
import { runMain } from "./lib/cli/run_main.ts";
import { startClient } from "./lib/cli/client_start.ts";
import { dtlsCertificateSettled } from "./lib/ffi/webrtc_bin.ts";
import { setLogLevel } from "./lib/log.ts";
import { versionText } from "./lib/version.ts";

const PROGRAM = "rov-client";

async function main(args: string[]): Promise<number> {
  const options = parseClientOptions(args);
  if (options.help) {
    console.log(CLIENT_HELP);
    return 0;
  }
  if (options.version) {
    console.log(versionText(PROGRAM));
    return 0;
  }
  setLogLevel(options.verbose ? "debug" : "info");
  const start = options.doctor ? {} : startClient(options);
  const { runClient } = await import("./lib/cli/client_main.ts");
  return await runClient(options, start);
}

if (import.meta.main) {
  // A process that exits while another thread still makes the DTLS certificate crashes.
  await runMain(PROGRAM, () => main(Deno.args), { beforeExit: dtlsCertificateSettled });
}
