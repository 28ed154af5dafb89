/**
 * GStreamer's RTSP server (gst-rtsp-server) through FFI: it listens, answers RTSP (UDP and
 * TCP-interleaved transports) and runs one shared media pipeline per mount. It lives on a GLib main
 * context of its own, run by `g_main_loop_run` as a nonblocking call on a thread of its own, so
 * nothing of it ever runs on Deno's event loop; `close()` quits that loop.
 */
import { checked, cString, gstreamer, gstRtspServer, outPointer } from "./gst.ts";
import { takeObjectList, unrefObject } from "./gobject.ts";

/** GstRTSPLowerTrans: the transports clients may choose. */
const LOWER_TRANS = { udp: 1, tcp: 4 } as const;
/** GstRTSPAuthMethod: Digest only (Basic would send the password in the clear on every request). */
const AUTH_DIGEST = 1 << 1;
/** The role our one user has; every mount lets it see and start the media (GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE). */
const ROLE_FIELD = "media.factory.role";
const ROLE = "viewer";
const PERMISSIONS = ["media.factory.access", "media.factory.construct"];

/** One user and password every client must give (RTSP Digest authentication, RFC 2617). */
export interface RtspCredentials {
  user: string;
  password: string;
  /** What clients are told they sign in to. */
  realm: string;
}

export interface RtspMount {
  /** The path clients ask for, e.g. "/video". */
  path: string;
  /**
   * A launch description whose payloader is named `pay0` (gst-rtsp-server's convention), in
   * parentheses: see gst_rtsp_media_factory_set_launch.
   */
  launch: string;
}

export interface RtspServerOptions {
  /** The address to listen on ("0.0.0.0" for every interface). */
  address: string;
  /** The TCP port; 0 takes a free one (see `port`). */
  port: number;
  mounts: RtspMount[];
  /** Without: anyone who reaches the port may watch. */
  credentials?: RtspCredentials;
}

export class RtspServer {
  #handle: Deno.PointerObject | null;
  #context: Deno.PointerObject;
  #loop: Deno.PointerObject;
  #source: Deno.PointerObject;
  #pool: Deno.PointerObject;
  #running: Promise<void>;
  /** The port it listens on. */
  readonly port: number;

  private constructor(
    handle: Deno.PointerObject,
    parts: { context: Deno.PointerObject; loop: Deno.PointerObject; source: Deno.PointerObject },
  ) {
    const { glib, rtsp } = { glib: gstreamer().glib, rtsp: gstRtspServer() };
    this.#handle = handle;
    this.#context = parts.context;
    this.#loop = parts.loop;
    this.#source = parts.source;
    this.#pool = checked(
      rtsp.gst_rtsp_server_get_session_pool(handle),
      "The RTSP server has no session pool",
    );
    this.port = rtsp.gst_rtsp_server_get_bound_port(handle);
    // The loop runs until close(); its thread is one of Deno's blocking-call threads.
    this.#running = glib.g_main_loop_run(this.#loop).then(() => undefined);
  }

  /**
   * Listens on `options.address`:`options.port` and serves `options.mounts`. A port that is taken
   * throws GstError with the system's words ("Cannot serve RTSP on 0.0.0.0:8554: Error binding to
   * address: Address already in use").
   */
  static start(options: RtspServerOptions): RtspServer {
    const { glib } = gstreamer();
    const rtsp = gstRtspServer();
    const handle = checked(rtsp.gst_rtsp_server_new(), "Cannot create an RTSP server");
    try {
      rtsp.gst_rtsp_server_set_address(handle, cString(options.address));
      rtsp.gst_rtsp_server_set_service(handle, cString(String(options.port)));
      const mounts = checked(
        rtsp.gst_rtsp_server_get_mount_points(handle),
        "The RTSP server has no mount points",
      );
      try {
        for (const mount of options.mounts) {
          const factory = checked(rtsp.gst_rtsp_media_factory_new(), "Cannot create an RTSP media factory");
          rtsp.gst_rtsp_media_factory_set_launch(factory, cString(mount.launch));
          // One pipeline for every client of the mount: one copy of the stream, whoever watches.
          rtsp.gst_rtsp_media_factory_set_shared(factory, true);
          rtsp.gst_rtsp_media_factory_set_protocols(factory, LOWER_TRANS.udp | LOWER_TRANS.tcp);
          if (options.credentials) allowRole(factory);
          rtsp.gst_rtsp_mount_points_add_factory(mounts, cString(mount.path), factory); // takes it
        }
      } finally {
        unrefObject(mounts);
      }
      if (options.credentials) requireCredentials(handle, options.credentials);
      // The listening socket is made here, so a port in use is an error now, with the system's words.
      const error = outPointer();
      const source = checked(
        rtsp.gst_rtsp_server_create_source(handle, null, error),
        `Cannot serve RTSP on ${options.address}:${options.port}`,
        error,
      );
      const context = checked(glib.g_main_context_new(), "Cannot create a GLib main context");
      glib.g_source_attach(source, context);
      const loop = checked(glib.g_main_loop_new(context, false), "Cannot create a GLib main loop");
      return new RtspServer(handle, { context, loop, source });
    } catch (error) {
      unrefObject(handle);
      throw error;
    }
  }

  /** RTSP sessions now (a client that has set up a stream, until it tears down or times out). */
  get sessions(): number {
    if (this.#handle === null) return 0;
    return gstRtspServer().gst_rtsp_session_pool_get_n_sessions(this.#pool);
  }

  /** Stops listening, quits the loop and releases everything; safe to call twice. */
  async close(): Promise<void> {
    if (this.#handle === null) return;
    const handle = this.#handle;
    this.#handle = null;
    const { glib } = gstreamer();
    glib.g_source_destroy(this.#source);
    // g_main_loop_quit before g_main_loop_run has begun would be lost: wait until it runs.
    for (let i = 0; i < 200 && !glib.g_main_loop_is_running(this.#loop); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    glib.g_main_loop_quit(this.#loop);
    await this.#running;
    // Connected clients would keep their sockets until the process ends: closed now.
    const rtsp = gstRtspServer();
    takeObjectList(rtsp.gst_rtsp_server_client_filter(handle, null, null), (client) => {
      rtsp.gst_rtsp_client_close(client);
    });
    glib.g_source_unref(this.#source);
    unrefObject(this.#pool);
    unrefObject(handle);
    glib.g_main_loop_unref(this.#loop);
    glib.g_main_context_unref(this.#context);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Lets clients holding our user's token (ROLE) see and play the factory's media; nobody else. */
function allowRole(factory: Deno.PointerObject): void {
  const rtsp = gstRtspServer();
  const permissions = checked(rtsp.gst_rtsp_permissions_new(), "Cannot create RTSP permissions");
  for (const permission of PERMISSIONS) {
    rtsp.gst_rtsp_permissions_add_permission_for_role(permissions, cString(ROLE), cString(permission), true);
  }
  rtsp.gst_rtsp_media_factory_set_permissions(factory, permissions);
  gstreamer().gst.gst_mini_object_unref(permissions);
}

/** Every request must carry `credentials` by Digest; without them the server answers 401. */
function requireCredentials(server: Deno.PointerObject, credentials: RtspCredentials): void {
  const rtsp = gstRtspServer();
  const token = checked(rtsp.gst_rtsp_token_new_empty(), "Cannot create an RTSP token");
  const auth = checked(rtsp.gst_rtsp_auth_new(), "Cannot create RTSP authentication");
  try {
    rtsp.gst_rtsp_token_set_string(token, cString(ROLE_FIELD), cString(ROLE));
    rtsp.gst_rtsp_auth_set_supported_methods(auth, AUTH_DIGEST);
    rtsp.gst_rtsp_auth_set_realm(auth, cString(credentials.realm));
    rtsp.gst_rtsp_auth_add_digest(auth, cString(credentials.user), cString(credentials.password), token);
    rtsp.gst_rtsp_server_set_auth(server, auth);
  } finally {
    unrefObject(auth);
    gstreamer().gst.gst_mini_object_unref(token);
  }
}

/** Whether gst-rtsp-server can be loaded (Debian/Ubuntu: gstreamer1.0-rtsp). */
export function hasRtspServer(): boolean {
  try {
    gstRtspServer();
    return true;
  } catch {
    return false;
  }
}
