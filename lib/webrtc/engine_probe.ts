/** Which WebRTC engine this machine can run: GStreamer's registry and libraries, asked once. */
import { gstWebRtc, hasElement } from "../ffi/gst.ts";
import { chooseEngine, type EngineChoice, type EngineDecision } from "./engine.ts";

/** The engine for `requested` on this machine (GStreamer must be loaded). */
export function decideEngine(
  requested: EngineChoice,
  options: { loopingFile?: boolean } = {},
): EngineDecision {
  return chooseEngine(requested, {
    hasElement,
    librariesLoad: () => {
      try {
        gstWebRtc();
        return true;
      } catch {
        return false;
      }
    },
  }, options);
}
