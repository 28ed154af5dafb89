import { assert } from "../support/assert.ts";
import { preloadElements } from "../../lib/ffi/element.ts";
import { hasElement } from "../../lib/ffi/gst.ts";

Deno.test("preloadElements loads what is installed and skips a factory that is not", async () => {
  assert(!hasElement("no_such_factory_here"));
  await preloadElements(["no_such_factory_here", "identity", "h264parse"]);
  assert(hasElement("h264parse"));
});
