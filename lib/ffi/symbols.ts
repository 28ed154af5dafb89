/**
 * The C functions rov-stream calls, per library. Each parameter carries its C type as a comment.
 * Calls that can wait (pulling a sample, popping the bus, waiting for a state) are declared
 * `nonblocking: true`; a `_now` alias of the same symbol is the synchronous form for timeout 0.
 */

export const GSTREAMER_SYMBOLS = {
  gst_init_check: {
    parameters: [
      "pointer", // int *argc
      "pointer", // char ***argv
      "buffer", // GError **error
    ],
    result: "bool", // gboolean
  },
  gst_version_string: { parameters: [], result: "pointer" }, // gchar * (free with g_free)
  gst_parse_launch: {
    parameters: [
      "buffer", // const gchar *pipeline_description
      "buffer", // GError **error
    ],
    result: "pointer", // GstElement *
  },
  gst_element_set_state: {
    parameters: [
      "pointer", // GstElement *element
      "i32", // GstState state
    ],
    result: "i32", // GstStateChangeReturn
  },
  gst_element_get_state: {
    parameters: [
      "pointer", // GstElement *element
      "buffer", // GstState *state
      "buffer", // GstState *pending
      "u64", // GstClockTime timeout
    ],
    result: "i32", // GstStateChangeReturn
    nonblocking: true,
  },
  gst_bin_get_by_name: {
    parameters: [
      "pointer", // GstBin *bin
      "buffer", // const gchar *name
    ],
    result: "pointer", // GstElement * (transfer full)
  },
  gst_bin_recalculate_latency: {
    parameters: [
      "pointer", // GstBin *bin
    ],
    result: "bool", // gboolean
  },
  gst_element_get_bus: {
    parameters: [
      "pointer", // GstElement *element
    ],
    result: "pointer", // GstBus * (transfer full)
  },
  gst_bus_timed_pop_filtered: {
    parameters: [
      "pointer", // GstBus *bus
      "u64", // GstClockTime timeout
      "u32", // GstMessageType types
    ],
    result: "pointer", // GstMessage * (transfer full)
    nonblocking: true,
  },
  gst_bus_timed_pop_filtered_now: {
    name: "gst_bus_timed_pop_filtered",
    parameters: [
      "pointer", // GstBus *bus
      "u64", // GstClockTime timeout (always 0 here)
      "u32", // GstMessageType types
    ],
    result: "pointer", // GstMessage * (transfer full)
  },
  gst_message_parse_error: {
    parameters: [
      "pointer", // GstMessage *message
      "buffer", // GError **gerror
      "buffer", // gchar **debug
    ],
    result: "void",
  },
  gst_message_parse_warning: {
    parameters: [
      "pointer", // GstMessage *message
      "buffer", // GError **gerror
      "buffer", // gchar **debug
    ],
    result: "void",
  },
  gst_message_parse_state_changed: {
    parameters: [
      "pointer", // GstMessage *message
      "buffer", // GstState *oldstate
      "buffer", // GstState *newstate
      "buffer", // GstState *pending
    ],
    result: "void",
  },
  gst_object_get_name: {
    parameters: [
      "pointer", // GstObject *object
    ],
    result: "pointer", // gchar * (free with g_free)
  },
  gst_object_unref: {
    parameters: [
      "pointer", // gpointer object
    ],
    result: "void",
  },
  gst_mini_object_unref: {
    parameters: [
      "pointer", // GstMiniObject *mini_object
    ],
    result: "void",
  },
  gst_element_factory_find: {
    parameters: [
      "buffer", // const gchar *name
    ],
    result: "pointer", // GstElementFactory * (transfer full)
  },
  gst_element_send_event: {
    parameters: [
      "pointer", // GstElement *element
      "pointer", // GstEvent *event (transfer full)
    ],
    result: "bool", // gboolean
  },
  gst_util_set_object_arg: {
    parameters: [
      "pointer", // GObject *object
      "buffer", // const gchar *name
      "buffer", // const gchar *value
    ],
    result: "void",
  },
  gst_sample_get_buffer: {
    parameters: [
      "pointer", // GstSample *sample
    ],
    result: "pointer", // GstBuffer * (transfer none)
  },
  gst_sample_get_caps: {
    parameters: [
      "pointer", // GstSample *sample
    ],
    result: "pointer", // GstCaps * (transfer none)
  },
  gst_sample_get_segment: {
    parameters: [
      "pointer", // GstSample *sample
    ],
    result: "pointer", // GstSegment * (transfer none)
  },
  gst_segment_to_running_time: {
    parameters: [
      "pointer", // const GstSegment *segment
      "i32", // GstFormat format
      "u64", // guint64 position
    ],
    result: "u64", // guint64 (GST_CLOCK_TIME_NONE outside the segment)
  },
  gst_caps_get_structure: {
    parameters: [
      "pointer", // const GstCaps *caps
      "u32", // guint index
    ],
    result: "pointer", // GstStructure * (transfer none)
  },
  gst_structure_get_int: {
    parameters: [
      "pointer", // const GstStructure *structure
      "buffer", // const gchar *fieldname
      "buffer", // gint *value
    ],
    result: "bool", // gboolean
  },
  gst_buffer_map: {
    parameters: [
      "pointer", // GstBuffer *buffer
      "buffer", // GstMapInfo *info
      "i32", // GstMapFlags flags
    ],
    result: "bool", // gboolean
  },
  gst_buffer_unmap: {
    parameters: [
      "pointer", // GstBuffer *buffer
      "buffer", // GstMapInfo *info
    ],
    result: "void",
  },
  gst_buffer_get_reference_timestamp_meta: {
    parameters: [
      "pointer", // GstBuffer *buffer
      "pointer", // GstCaps *reference (NULL: the first such meta)
    ],
    result: "pointer", // GstReferenceTimestampMeta * (NULL when the buffer has none)
  },
  gst_caps_from_string: {
    parameters: [
      "buffer", // const gchar *string
    ],
    result: "pointer", // GstCaps * (transfer full; NULL when the string does not parse)
  },
  gst_buffer_new_memdup: {
    parameters: [
      "buffer", // gconstpointer data
      "usize", // gsize size
    ],
    result: "pointer", // GstBuffer * (transfer full)
  },
  gst_element_get_base_time: {
    parameters: [
      "pointer", // GstElement *element
    ],
    result: "u64", // GstClockTime
  },
  gst_element_get_clock: {
    parameters: [
      "pointer", // GstElement *element
    ],
    result: "pointer", // GstClock * (transfer full)
  },
  gst_clock_get_time: {
    parameters: [
      "pointer", // GstClock *clock
    ],
    result: "u64", // GstClockTime
  },
  gst_element_seek_simple: {
    parameters: [
      "pointer", // GstElement *element
      "i32", // GstFormat format
      "i32", // GstSeekFlags seek_flags
      "i64", // gint64 seek_pos
    ],
    result: "bool", // gboolean
  },
} as const satisfies Deno.ForeignLibraryInterface;

export const GSTAPP_SYMBOLS = {
  gst_app_sink_try_pull_sample: {
    parameters: [
      "pointer", // GstAppSink *appsink
      "u64", // GstClockTime timeout
    ],
    result: "pointer", // GstSample * (transfer full)
    nonblocking: true,
  },
  gst_app_sink_try_pull_sample_now: {
    name: "gst_app_sink_try_pull_sample",
    parameters: [
      "pointer", // GstAppSink *appsink
      "u64", // GstClockTime timeout (always 0 here)
    ],
    result: "pointer", // GstSample * (transfer full)
  },
  gst_app_src_push_buffer: {
    parameters: [
      "pointer", // GstAppSrc *appsrc
      "pointer", // GstBuffer *buffer (transfer full)
    ],
    result: "i32", // GstFlowReturn
  },
  gst_app_src_end_of_stream: {
    parameters: [
      "pointer", // GstAppSrc *appsrc
    ],
    result: "i32", // GstFlowReturn
  },
} as const satisfies Deno.ForeignLibraryInterface;

export const GSTVIDEO_SYMBOLS = {
  gst_video_event_new_upstream_force_key_unit: {
    parameters: [
      "u64", // GstClockTime running_time
      "bool", // gboolean all_headers
      "u32", // guint count
    ],
    result: "pointer", // GstEvent *
  },
  gst_navigation_message_get_type: {
    parameters: [
      "pointer", // GstMessage *message
    ],
    result: "i32", // GstNavigationMessageType
  },
  gst_navigation_message_parse_event: {
    parameters: [
      "pointer", // GstMessage *message
      "buffer", // GstEvent **event
    ],
    result: "bool", // gboolean
  },
  gst_navigation_event_get_type: {
    parameters: [
      "pointer", // GstEvent *event
    ],
    result: "i32", // GstNavigationEventType
  },
  gst_navigation_event_parse_key_event: {
    parameters: [
      "pointer", // GstEvent *event
      "buffer", // const gchar **key
    ],
    result: "bool", // gboolean
  },
} as const satisfies Deno.ForeignLibraryInterface;

export const GLIB_SYMBOLS = {
  g_free: {
    parameters: [
      "pointer", // gpointer mem
    ],
    result: "void",
  },
  g_error_free: {
    parameters: [
      "pointer", // GError *error
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;
