import { assertEquals, assertMatch } from "./support/assert.ts";
import { BUILD_INFO, VERSION, versionText } from "../lib/version.ts";

Deno.test("versionText says a source run is from source", () => {
  assertEquals(BUILD_INFO.target, null, "lib/build/build_info.json is the source default");
  assertMatch(versionText("rov-server"), new RegExp(`^rov-server ${VERSION} \\(from source, dev; Deno \\d`));
});

Deno.test("versionText gives a compiled build's commit, date and target", () => {
  assertMatch(
    versionText("rov-client", {
      commit: "67e4027abcde",
      date: "2026-11-25",
      target: "aarch64-unknown-linux-gnu",
    }),
    /^rov-client \d+\.\d+\.\d+ \(built 2026-11-25 from 67e4027abcde for aarch64-unknown-linux-gnu; Deno /,
  );
});
