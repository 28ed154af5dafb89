/** Which WebRTC engine this machine can run: GStreamer's registry and libraries, asked once. */
import { gstWebRtc, hasElement } from "../ffi/gst.ts";
import { chooseEngine, type EngineChoice, type EngineDecision } from "./engine.ts";
import { log } from "../log.ts";

/**
 * The engine for `requested` on this machine (GStreamer must be loaded). Its reason is said once: a
 * fallback that names what to install at info level, else at debug level (the start-up line names it).
 */
export function decideEngine(requested: EngineChoice): EngineDecision {
  const decision = chooseEngine(requested, {
    hasElement,
    librariesLoad: () => {
      try {
        gstWebRtc();
        return true;
      } catch {
        return false;
      }
    },
  });
  if (decision.unavailable === undefined) {
    if (decision.missing.length > 0) log.info(decision.reason);
    else log.debug(decision.reason);
  }
  return decision;
}
