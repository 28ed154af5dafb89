import { assert, assertEquals } from "../support/assert.ts";
import {
  readStamp,
  STAMP_HEIGHT,
  STAMP_WIDTH,
  stampLatency,
  unwrapStamp,
  writeStamp,
} from "../../lib/stats/pixel_stamp.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";

Deno.test("writeStamp and readStamp round-trip values in a plain Y plane", () => {
  const stride = 640;
  const y = new Uint8Array(stride * 360).fill(128);
  for (const value of [0, 1, 0xdeadbeef, 2 ** 32 - 1, Date.now() % 2 ** 32]) {
    writeStamp(y, stride, value);
    assertEquals(readStamp(y, stride), value >>> 0);
  }
  assertEquals([STAMP_WIDTH, STAMP_HEIGHT], [320, 32]);
});

Deno.test("readStamp rejects a frame without a stamp or with a damaged one", () => {
  const stride = 640;
  const y = new Uint8Array(stride * 360).fill(128);
  assertEquals(readStamp(y, stride), undefined);
  writeStamp(y, stride, 12345);
  y.fill(235, 8 * stride + 8, 8 * stride + 16); // flip part of one cell
  for (let row = 0; row < 16; row++) y.fill(235, row * stride, row * stride + 16);
  assertEquals(readStamp(y, stride), undefined);
  assertEquals(readStamp(new Uint8Array(100), stride), undefined);
});

Deno.test("unwrapStamp restores the full time nearest to now", () => {
  const now = 1_764_000_000_000;
  assertEquals(unwrapStamp(now % 2 ** 32, now), now);
  assertEquals(unwrapStamp((now - 40) % 2 ** 32, now), now - 40);
  const edge = Math.ceil(now / 2 ** 32) * 2 ** 32; // just after a wrap
  assertEquals(unwrapStamp((edge - 30) % 2 ** 32, edge + 10), edge - 30);
});

Deno.test("pixel stamps survive a real H.264 encode and decode at 1280x720", async () => {
  const [width, height] = [1280, 720];
  const pipeline = new Pipeline(
    `appsrc name=in is-live=true do-timestamp=true format=time caps="video/x-raw,format=I420,width=${width},height=${height},framerate=30/1" ! ` +
      `x264enc tune=zerolatency speed-preset=ultrafast bitrate=2000 ! avdec_h264 ! appsink name=out sync=false`,
  );
  try {
    const input = pipeline.appSrc("in");
    const output = pipeline.appSink("out");
    pipeline.play();
    const frame = new Uint8Array(width * height * 3 / 2);
    const sent: number[] = [];
    for (let i = 0; i < 30; i++) {
      frame.fill(40 + (i * 5) % 150, 0, width * height); // a changing picture around the stamp
      frame.fill(128, width * height);
      const value = (Date.now() + i * 33) % 2 ** 32;
      writeStamp(frame, width, value);
      sent.push(value);
      input.push(frame.slice());
    }
    const read: (number | undefined)[] = [];
    for await (const sample of output.pull({ copy: true })) {
      read.push(readStamp(sample.data!, width));
      if (read.length === 30) break;
    }
    assertEquals(read, sent);
    assert(read.every((v) => v !== undefined));
  } finally {
    await pipeline.close();
  }
});

Deno.test("stampLatency gives no reading for two minutes of pictures without stamps", () => {
  // Cell-sized random blocks are the worst case: every frame is a well-formed 40-bit pattern, and
  // the CRC alone lets about one in 256 through.
  const stride = STAMP_WIDTH;
  const y = new Uint8Array(STAMP_HEIGHT * stride);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const now = Date.UTC(2026, 11, 1, 12);
  let crcPassed = 0;
  let readings = 0;
  for (let frame = 0; frame < 2 * 60 * 30; frame++) {
    for (let cell = 0; cell < 40; cell++) {
      const level = random() < 0.5 ? 16 : 235;
      const x0 = (cell % 20) * 16, y0 = Math.floor(cell / 20) * 16;
      for (let row = 0; row < 16; row++) {
        y.fill(level, (y0 + row) * stride + x0, (y0 + row) * stride + x0 + 16);
      }
    }
    if (readStamp(y, stride) !== undefined) crcPassed++;
    if (stampLatency(y, stride, now + frame * 33) !== undefined) readings++;
  }
  assert(crcPassed > 0, "the CRC alone lets some through (the test can fail)");
  assertEquals(readings, 0);
});

Deno.test("stampLatency reads a real stamp and refuses one far from the reader's clock", () => {
  const stride = STAMP_WIDTH;
  const y = new Uint8Array(STAMP_HEIGHT * stride);
  const now = Date.UTC(2026, 11, 1, 12);
  writeStamp(y, stride, (now - 25) % 2 ** 32);
  assertEquals(stampLatency(y, stride, now), 25);
  assertEquals(stampLatency(y, stride, now + 3_600_000), undefined);
  assertEquals(stampLatency(y, stride, now - 5000), undefined);
});
