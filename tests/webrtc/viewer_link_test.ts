import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import {
  type LinkSession,
  type LinkState,
  type LinkTiming,
  ViewerLink,
} from "../../lib/webrtc/viewer_link.ts";
import type { ViewerLiveness } from "../../lib/signalling/offer_client.ts";

/** A session whose picture and server answers follow the test's script, on a fake clock. */
interface FakeSession extends LinkSession {
  index: number;
  closed: boolean;
  /** When it was closed, on the fake clock. */
  closedAt?: number;
  fail(reason: string): void;
}

/**
 * Runs a ViewerLink on a fake clock until `untilMs`. `picture(session, now)` says whether session
 * `session` shows a picture at `now`; `liveness(session, now)` what the server says of it.
 */
async function scenario(script: {
  untilMs: number;
  picture: (session: number, now: number) => boolean;
  liveness?: (session: number, now: number) => ViewerLiveness;
  connectFails?: (attempt: number, now: number) => string | undefined;
  /** Whether session `session` has its media path up at `now` (default: the session cannot tell). */
  connected?: (session: number, now: number) => boolean;
  reconnect?: boolean;
  onSession?: (session: FakeSession, now: number) => void;
  /** Receives a reader of the fake clock. */
  clock?: (now: () => number) => void;
  timing?: Partial<LinkTiming>;
}) {
  let now = 0;
  let lastPicture = 0;
  let attempts = 0;
  const states: { state: LinkState; at: number; reason?: string }[] = [];
  const sessions: FakeSession[] = [];
  const connects: number[] = [];
  const stop = new AbortController();
  script.clock?.(() => now);
  const link = new ViewerLink<FakeSession>({
    connect: (signal) => {
      const attempt = attempts++;
      connects.push(now);
      const failure = script.connectFails?.(attempt, now);
      if (failure !== undefined) return Promise.reject(new Error(failure));
      const failed = Promise.withResolvers<Error>();
      const session: FakeSession = {
        index: sessions.length,
        closed: false,
        failed: failed.promise,
        fail: (reason) => failed.resolve(new Error(reason)),
        probe: () => Promise.resolve(script.liveness?.(session.index, now) ?? "known"),
        connected: script.connected
          ? () => !session.closed && script.connected!(session.index, now)
          : undefined,
        close: () => {
          session.closed = true;
          session.closedAt ??= now;
          return Promise.resolve();
        },
      };
      // As a real session: closed when its attempt's signal aborts.
      signal.addEventListener("abort", () => void session.close(), { once: true });
      sessions.push(session);
      script.onSession?.(session, now);
      return Promise.resolve(session);
    },
    lastPictureAt: () => lastPicture,
    reconnect: script.reconnect ?? true,
    onState: (state, reason) => states.push({ state, at: now, reason }),
    signal: stop.signal,
    timing: script.timing,
    now: () => now,
    sleep: async (ms) => {
      const end = now + ms;
      while (now < end) {
        now = Math.min(end, now + 10);
        const current = link.session as FakeSession | undefined;
        if (current && script.picture(current.index, now)) lastPicture = now;
        if (now >= script.untilMs) stop.abort();
      }
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  });
  await link.run();
  return { link, states, sessions, connects };
}

Deno.test("ViewerLink connects again at once when the server no longer has the viewer (restart)", async () => {
  const { states, sessions, connects } = await scenario({
    untilMs: 6000,
    // Session 0 plays until 1 s (the server is killed); the restarted server serves session 1.
    picture: (session, now) => session === 0 ? now < 1000 : true,
    liveness: (session, now) => session === 0 && now > 1300 ? "unknown" : "known",
  });
  assertEquals(sessions.length, 2);
  assert(sessions[0].closed, "the old session is closed");
  assert(connects[1] < 2000, `reconnected at ${connects[1]} ms, within a second of the answer`);
  const sequence = states.map((s) => s.state);
  assertEquals(sequence, ["connecting", "live", "stalled", "reconnecting", "live"]);
  assertEquals(states[3].reason, "rov-server restarted (it no longer has this viewer)");
});

Deno.test("ViewerLink keeps a session through a 3 s cut link while the server cannot be reached", async () => {
  const { sessions, states } = await scenario({
    untilMs: 8000,
    picture: (_, now) => now < 2000 || now > 5000,
    liveness: (_, now) => now > 2000 && now < 5000 ? "unreachable" : "known",
  });
  assertEquals(sessions.length, 1, "the same session resumes");
  assertEquals(states.map((s) => s.state), ["connecting", "live", "stalled", "live"]);
});

Deno.test("ViewerLink gives a silent session up after 8 s, and at once when nothing listens", async () => {
  const silent = await scenario({
    untilMs: 12_000,
    picture: (session, now) => session > 0 || now < 1000,
    liveness: () => "unreachable",
  });
  assertEquals(silent.sessions.length, 2);
  assert(silent.connects[1] >= 9000 && silent.connects[1] < 9300, `gave up at ${silent.connects[1]} ms`);
  const refused = await scenario({
    untilMs: 4000,
    picture: (session, now) => session > 0 || now < 1000,
    liveness: (session) => session === 0 ? "refused" : "known",
  });
  assert(refused.connects[1] < 1800, `reconnected at ${refused.connects[1]} ms`);
});

Deno.test("ViewerLink abandons a session that brings no picture within 4 s", async () => {
  const { sessions, connects, states } = await scenario({
    untilMs: 6000,
    picture: (session) => session === 1,
  });
  assertEquals(sessions.length, 2);
  assert(connects[1] >= 4000 && connects[1] < 4400, `retried at ${connects[1]} ms`);
  assertEquals(states.find((s) => s.state === "reconnecting")?.reason, "no picture within 4 s of connecting");
});

Deno.test("ViewerLink abandons a session whose media path is not up within 2 s, and not one that is", async () => {
  const stuck = await scenario({
    untilMs: 4000,
    picture: (session, now) => session === 1 && now > 2500,
    connected: (session) => session === 1,
    timing: { hedgeMs: 0 },
  });
  assertEquals(stuck.sessions.length, 2);
  assert(stuck.connects[1] >= 2000 && stuck.connects[1] < 2400, `retried at ${stuck.connects[1]} ms`);
  assertEquals(
    stuck.states.find((s) => s.state === "reconnecting")?.reason,
    "not connected within 2 s (ICE or DTLS did not complete)",
  );
  // Connected but no picture yet: it asks for a keyframe again and again, and waits the full 4 s.
  let asked = 0;
  const slow = await scenario({
    untilMs: 3800,
    picture: (_, now) => now > 3000,
    connected: () => true,
    onSession: (session) => session.requestKeyFrame = () => asked++,
  });
  assertEquals(slow.sessions.length, 1);
  assert(asked >= 5, `${asked} keyframe requests before the first picture`);
});

Deno.test("ViewerLink makes a second attempt beside one not connected after 500 ms and keeps whichever connects first", async () => {
  // The first never connects; the second, made at 500 ms, does at once: it is kept, the first closed.
  const second = await scenario({
    untilMs: 2000,
    picture: (session) => session === 1,
    connected: (session) => session === 1,
  });
  assertEquals(second.sessions.length, 2);
  assert(second.connects[1] >= 500 && second.connects[1] < 700, `second attempt at ${second.connects[1]} ms`);
  assert(second.sessions[0].closedAt! < 700, `the first is closed at ${second.sessions[0].closedAt} ms`);
  assertEquals(second.sessions[1].closedAt, 2000, "the second is the session until the end");
  assertEquals(second.states.map((s) => s.state), ["connecting", "live"], "no reconnecting in between");
  // The first connects at 800 ms, before the second: the second is closed, the first kept.
  const first = await scenario({
    untilMs: 2000,
    picture: (session, now) => session === 0 && now > 900,
    connected: (session, now) => session === 0 && now > 800,
  });
  assertEquals(first.sessions.length, 2);
  assert(first.sessions[1].closedAt! <= 950, `the second is closed at ${first.sessions[1].closedAt} ms`);
  assertEquals(first.sessions[0].closedAt, 2000, "the first is the session until the end");
  assertEquals(first.states.map((s) => s.state), ["connecting", "live"]);
  // Neither connects: at 2 s the second (made at 500 ms) becomes the session and gets a third beside
  // it, at 2.5 s the third replaces the second, and so on: never more than two attempts at once.
  const neither = await scenario({
    untilMs: 2700,
    picture: () => false,
    connected: () => false,
  });
  const at = neither.connects;
  assertEquals(at.length, 4, `attempts at ${at.join(", ")} ms`);
  assert(at[2] >= 2000 && at[2] < 2150 && at[3] >= 2500 && at[3] < 2650, `attempts at ${at.join(", ")} ms`);
  for (const t of at) {
    const open = neither.sessions.filter((s, i) =>
      at[i] <= t && (s.closedAt === undefined || s.closedAt > t)
    );
    assert(open.length <= 2, `${open.length} attempts at once at ${t} ms`);
  }
  // Said as a reconnect is, once.
  assertEquals(
    neither.states.filter((s) => s.state === "reconnecting").map((s) => s.reason),
    ["not connected within 2 s (ICE or DTLS did not complete)"],
  );
});

Deno.test("ViewerLink retries a failing connect with a backoff capped at 1 s", async () => {
  const { connects } = await scenario({
    untilMs: 5000,
    picture: () => true,
    connectFails: (attempt) => attempt < 6 ? "Cannot reach rov-server: connection refused" : undefined,
  });
  const waits = connects.slice(1, 7).map((at, i) => at - connects[i]);
  assertEquals(waits, [0, 250, 500, 1000, 1000, 1000]);
});

Deno.test("ViewerLink reconnects at once when the connection fails", async () => {
  const { sessions, connects } = await scenario({
    untilMs: 3000,
    picture: () => true,
    onSession: (session) =>
      session.index === 0 && queueMicrotask(() => session.fail("WebRTC connection failed")),
  });
  assertEquals(sessions.length, 2);
  assert(connects[1] < 200, `reconnected at ${connects[1]} ms`);
});

Deno.test("ViewerLink without reconnect ends with the first session's reason", async () => {
  await assertRejects(
    () =>
      scenario({
        untilMs: 10_000,
        picture: (_, now) => now < 1000,
        liveness: () => "refused",
        reconnect: false,
      }),
    /rov-server is not running/,
  );
  await assertRejects(
    () => scenario({ untilMs: 10_000, picture: () => true, connectFails: () => "refused", reconnect: false }),
    /refused/,
  );
});

Deno.test("ViewerLink asks for a keyframe when a live picture stops for 150 ms, again every 300 ms", async () => {
  const requests: number[] = [];
  let clock = () => 0;
  await scenario({
    untilMs: 3000,
    picture: (_, now) => now < 1000 || now > 1800,
    onSession: (session) => {
      session.requestKeyFrame = () => requests.push(clock());
    },
    clock: (now) => clock = now,
  });
  assertEquals(requests, [1150, 1450, 1750]);
});

Deno.test("ViewerLink keeps a session through a long camera failure on the server, and says so", async () => {
  const { link, states, sessions } = await scenario({
    untilMs: 20_000,
    // The server's camera fails at 1 s and is back at 15 s: longer than the 8 s a silent session gets.
    picture: (_, now) => now < 1000 || now >= 15_000,
    liveness: (_, now) => now >= 1000 && now < 15_000 ? "source-lost" : "known",
  });
  assertEquals(sessions.length, 1);
  assert(states.some((s) => s.state === "source-lost" && s.at < 2500), JSON.stringify(states));
  assertEquals(states.at(-1)?.state, "live");
  assertEquals(link.state, "live");
});

Deno.test("ViewerLink waits for the picture of a new session while the server's camera is lost", async () => {
  const { sessions, states } = await scenario({
    untilMs: 14_000,
    // The camera is lost before the viewer joins; it comes back at 10 s.
    picture: (_, now) => now >= 10_000,
    liveness: (_, now) => now < 10_000 ? "source-lost" : "known",
  });
  assertEquals(sessions.length, 1, JSON.stringify(states));
  assertEquals(states.at(-1)?.state, "live");
});

Deno.test("ViewerLink gives up a session at once when a probe before the first picture says the server restarted", async () => {
  const { sessions, connects } = await scenario({
    untilMs: 3000,
    picture: (session) => session === 1,
    liveness: (session) => session === 0 ? "unknown" : "known",
  });
  assertEquals(sessions.length, 2);
  assert(connects[1] < 1500, `second connect at ${connects[1]} ms`);
});
