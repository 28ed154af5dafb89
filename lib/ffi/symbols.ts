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
  gst_bin_find_unlinked_pad: {
    parameters: [
      "pointer", // GstBin *bin
      "i32", // GstPadDirection direction
    ],
    result: "pointer", // GstPad * (transfer full)
  },
  gst_bin_iterate_all_by_element_factory_name: {
    parameters: [
      "pointer", // GstBin *bin
      "buffer", // const gchar *factory_name
    ],
    result: "pointer", // GstIterator * (transfer full)
  },
  gst_iterator_next: {
    parameters: [
      "pointer", // GstIterator *it
      "pointer", // GValue *elem
    ],
    result: "i32", // GstIteratorResult
  },
  gst_iterator_free: {
    parameters: [
      "pointer", // GstIterator *it
    ],
    result: "void",
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
  gst_object_get_path_string: {
    parameters: [
      "pointer", // GstObject *object
    ],
    result: "pointer", // gchar * (free with g_free)
  },
  gst_object_set_name: {
    parameters: [
      "pointer", // GstObject *object
      "buffer", // const gchar *name
    ],
    result: "bool", // gboolean (false when the object has a parent already)
  },
  gst_object_unref: {
    parameters: [
      "pointer", // gpointer object
    ],
    result: "void",
  },
  gst_mini_object_copy: {
    parameters: [
      "pointer", // const GstMiniObject *mini_object
    ],
    result: "pointer", // GstMiniObject * (transfer full): a new buffer sharing the memory
  },
  gst_device_monitor_new: {
    parameters: [],
    result: "pointer", // GstDeviceMonitor * (transfer full)
  },
  gst_device_monitor_add_filter: {
    parameters: [
      "pointer", // GstDeviceMonitor *monitor
      "buffer", // const gchar *classes
      "pointer", // GstCaps *caps (NULL: any)
    ],
    result: "u32", // guint (0: not added)
  },
  gst_device_monitor_start: {
    parameters: [
      "pointer", // GstDeviceMonitor *monitor
    ],
    result: "bool", // gboolean
    // Probing the device providers can take a moment (PipeWire, udev): off the event loop.
    nonblocking: true,
  },
  gst_device_monitor_get_devices: {
    parameters: [
      "pointer", // GstDeviceMonitor *monitor
    ],
    result: "pointer", // GList * of GstDevice (transfer full)
    nonblocking: true,
  },
  gst_device_monitor_stop: {
    parameters: [
      "pointer", // GstDeviceMonitor *monitor
    ],
    result: "void",
    nonblocking: true,
  },
  gst_device_get_display_name: {
    parameters: [
      "pointer", // GstDevice *device
    ],
    result: "pointer", // gchar * (transfer full)
  },
  gst_device_get_device_class: {
    parameters: [
      "pointer", // GstDevice *device
    ],
    result: "pointer", // gchar * (transfer full)
  },
  gst_device_get_caps: {
    parameters: [
      "pointer", // GstDevice *device
    ],
    result: "pointer", // GstCaps * (transfer full)
  },
  gst_device_get_properties: {
    parameters: [
      "pointer", // GstDevice *device
    ],
    result: "pointer", // GstStructure * (transfer full)
  },
  gst_caps_to_string: {
    parameters: [
      "pointer", // const GstCaps *caps
    ],
    result: "pointer", // gchar * (transfer full)
  },
  gst_structure_free: {
    parameters: [
      "pointer", // GstStructure *structure
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
  gst_element_factory_make: {
    parameters: [
      "buffer", // const gchar *factoryname
      "pointer", // const gchar *name (NULL: a unique one)
    ],
    result: "pointer", // GstElement * (floating)
  },
  gst_element_factory_make_async: {
    name: "gst_element_factory_make",
    parameters: [
      "buffer", // const gchar *factoryname
      "pointer", // const gchar *name (NULL: a unique one)
    ],
    result: "pointer", // GstElement * (floating)
    nonblocking: true, // dtlsdec makes the process's DTLS certificate: 0.4-0.7 s
  },
  gst_stream_error_quark: {
    parameters: [],
    result: "u32", // GQuark
  },
  gst_message_new_error: {
    parameters: [
      "pointer", // GstObject *src
      "pointer", // GError *error (copied)
      "buffer", // const gchar *debug
    ],
    result: "pointer", // GstMessage * (transfer full)
  },
  gst_element_post_message: {
    parameters: [
      "pointer", // GstElement *element
      "pointer", // GstMessage *message (transfer full)
    ],
    result: "bool", // gboolean
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
  gst_buffer_get_size: {
    parameters: [
      "pointer", // GstBuffer *buffer
    ],
    result: "usize", // gsize
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
  gst_element_set_state_async: {
    name: "gst_element_set_state",
    parameters: [
      "pointer", // GstElement *element
      "i32", // GstState state
    ],
    result: "i32", // GstStateChangeReturn
    nonblocking: true, // a webrtcbin going to NULL joins its ICE and DTLS threads
  },
  gst_parse_bin_from_description: {
    parameters: [
      "buffer", // const gchar *bin_description
      "bool", // gboolean ghost_unlinked_pads
      "buffer", // GError **err
    ],
    result: "pointer", // GstElement * (a GstBin, floating)
  },
  gst_bin_add: {
    parameters: [
      "pointer", // GstBin *bin
      "pointer", // GstElement *element (transfer floating)
    ],
    result: "bool", // gboolean
  },
  gst_bin_remove: {
    parameters: [
      "pointer", // GstBin *bin
      "pointer", // GstElement *element
    ],
    result: "bool", // gboolean
  },
  gst_object_ref_sink: {
    parameters: [
      "pointer", // gpointer object
    ],
    result: "pointer", // gpointer
  },
  gst_object_ref: {
    parameters: [
      "pointer", // gpointer object
    ],
    result: "pointer", // gpointer
  },
  gst_element_sync_state_with_parent: {
    parameters: [
      "pointer", // GstElement *element
    ],
    result: "bool", // gboolean
  },
  gst_element_link: {
    parameters: [
      "pointer", // GstElement *src
      "pointer", // GstElement *dest
    ],
    result: "bool", // gboolean
  },
  gst_element_get_static_pad: {
    parameters: [
      "pointer", // GstElement *element
      "buffer", // const gchar *name
    ],
    result: "pointer", // GstPad * (transfer full)
  },
  gst_ghost_pad_new: {
    parameters: [
      "buffer", // const gchar *name
      "pointer", // GstPad *target
    ],
    result: "pointer", // GstPad * (floating)
  },
  gst_element_add_pad: {
    parameters: [
      "pointer", // GstElement *element
      "pointer", // GstPad *pad (transfer floating)
    ],
    result: "bool", // gboolean
  },
  gst_event_new_eos: {
    parameters: [],
    result: "pointer", // GstEvent * (transfer full)
  },
  gst_pad_send_event: {
    parameters: [
      "pointer", // GstPad *pad
      "pointer", // GstEvent *event (transfer full)
    ],
    result: "bool", // gboolean
  },
  gst_pad_get_peer: {
    parameters: [
      "pointer", // GstPad *pad
    ],
    result: "pointer", // GstPad * (transfer full)
  },
  gst_pad_unlink: {
    parameters: [
      "pointer", // GstPad *srcpad
      "pointer", // GstPad *sinkpad
    ],
    result: "bool", // gboolean
  },
  gst_element_release_request_pad: {
    parameters: [
      "pointer", // GstElement *element
      "pointer", // GstPad *pad
    ],
    result: "void",
  },
  gst_promise_new: { parameters: [], result: "pointer" }, // GstPromise * (transfer full)
  gst_promise_wait: {
    parameters: [
      "pointer", // GstPromise *promise
    ],
    result: "i32", // GstPromiseResult (2 = replied)
    nonblocking: true,
  },
  gst_promise_get_reply: {
    parameters: [
      "pointer", // GstPromise *promise
    ],
    result: "pointer", // const GstStructure * (transfer none; NULL when there is none)
  },
  gst_structure_get_value: {
    parameters: [
      "pointer", // const GstStructure *structure
      "buffer", // const gchar *fieldname
    ],
    result: "pointer", // const GValue * (transfer none)
  },
  gst_structure_n_fields: {
    parameters: [
      "pointer", // const GstStructure *structure
    ],
    result: "i32", // gint
  },
  gst_structure_nth_field_name: {
    parameters: [
      "pointer", // const GstStructure *structure
      "u32", // guint index
    ],
    result: "pointer", // const gchar * (transfer none)
  },
  gst_structure_get_name: {
    parameters: [
      "pointer", // const GstStructure *structure
    ],
    result: "pointer", // const gchar * (transfer none)
  },
  gst_structure_get_type: { parameters: [], result: "u64" }, // GType
  gst_structure_to_string: {
    parameters: [
      "pointer", // const GstStructure *structure
    ],
    result: "pointer", // gchar * (free with g_free)
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
  gst_app_src_set_caps: {
    parameters: [
      "pointer", // GstAppSrc *appsrc
      "pointer", // const GstCaps *caps
    ],
    result: "void",
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
  g_main_context_new: {
    parameters: [],
    result: "pointer", // GMainContext *
  },
  g_main_context_unref: {
    parameters: [
      "pointer", // GMainContext *context
    ],
    result: "void",
  },
  g_main_loop_new: {
    parameters: [
      "pointer", // GMainContext *context
      "bool", // gboolean is_running
    ],
    result: "pointer", // GMainLoop *
  },
  g_main_loop_run: {
    parameters: [
      "pointer", // GMainLoop *loop
    ],
    result: "void",
    // Runs until g_main_loop_quit: on a thread of its own, never on the event loop.
    nonblocking: true,
  },
  g_main_loop_quit: {
    parameters: [
      "pointer", // GMainLoop *loop
    ],
    result: "void",
  },
  g_main_loop_is_running: {
    parameters: [
      "pointer", // GMainLoop *loop
    ],
    result: "bool", // gboolean
  },
  g_main_loop_unref: {
    parameters: [
      "pointer", // GMainLoop *loop
    ],
    result: "void",
  },
  g_source_attach: {
    parameters: [
      "pointer", // GSource *source
      "pointer", // GMainContext *context
    ],
    result: "u32", // guint
  },
  g_source_destroy: {
    parameters: [
      "pointer", // GSource *source
    ],
    result: "void",
  },
  g_source_unref: {
    parameters: [
      "pointer", // GSource *source
    ],
    result: "void",
  },
  g_list_free: {
    parameters: [
      "pointer", // GList *list
    ],
    result: "void",
  },
  g_free: {
    parameters: [
      "pointer", // gpointer mem
    ],
    result: "void",
  },
  g_error_new_literal: {
    parameters: [
      "u32", // GQuark domain
      "i32", // gint code
      "buffer", // const gchar *message
    ],
    result: "pointer", // GError * (transfer full)
  },
  g_error_free: {
    parameters: [
      "pointer", // GError *error
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

export const GOBJECT_SYMBOLS = {
  g_signal_lookup: {
    parameters: [
      "buffer", // const gchar *name
      "u64", // GType itype
    ],
    result: "u32", // guint (0 when there is no such signal)
  },
  g_signal_query: {
    parameters: [
      "u32", // guint signal_id
      "buffer", // GSignalQuery *query
    ],
    result: "void",
  },
  g_signal_emitv: {
    parameters: [
      "pointer", // const GValue *instance_and_params
      "u32", // guint signal_id
      "u32", // GQuark detail
      "pointer", // GValue *return_value (NULL for void signals)
    ],
    result: "void",
  },
  g_value_init: {
    parameters: [
      "pointer", // GValue *value
      "u64", // GType g_type
    ],
    result: "pointer", // GValue *
  },
  g_value_reset: {
    parameters: [
      "pointer", // GValue *value
    ],
    result: "pointer", // GValue *
  },
  g_value_get_object: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "pointer", // gpointer (transfer none)
  },
  g_value_unset: {
    parameters: [
      "pointer", // GValue *value
    ],
    result: "void",
  },
  g_value_set_boolean: {
    parameters: [
      "pointer", // GValue *value
      "bool", // gboolean v_boolean
    ],
    result: "void",
  },
  g_value_set_int: {
    parameters: [
      "pointer", // GValue *value
      "i32", // gint v_int
    ],
    result: "void",
  },
  g_value_set_uint: {
    parameters: [
      "pointer", // GValue *value
      "u32", // guint v_uint
    ],
    result: "void",
  },
  g_value_set_enum: {
    parameters: [
      "pointer", // GValue *value
      "i32", // gint v_enum
    ],
    result: "void",
  },
  g_value_set_string: {
    parameters: [
      "pointer", // GValue *value
      "buffer", // const gchar *v_string (copied)
    ],
    result: "void",
  },
  g_value_set_boxed: {
    parameters: [
      "pointer", // GValue *value
      "pointer", // gconstpointer v_boxed (copied or referenced)
    ],
    result: "void",
  },
  g_value_set_object: {
    parameters: [
      "pointer", // GValue *value
      "pointer", // gpointer v_object (referenced)
    ],
    result: "void",
  },
  g_value_set_pointer: {
    parameters: [
      "pointer", // GValue *value
      "pointer", // gpointer v_pointer
    ],
    result: "void",
  },
  g_value_get_boolean: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "bool", // gboolean
  },
  g_value_get_int: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "i32", // gint
  },
  g_value_get_uint: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "u32", // guint
  },
  g_value_get_int64: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "i64", // gint64
  },
  g_value_get_uint64: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "u64", // guint64
  },
  g_value_get_double: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "f64", // gdouble
  },
  g_value_get_float: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "f32", // gfloat
  },
  g_value_get_enum: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "i32", // gint
  },
  g_value_get_string: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "pointer", // const gchar * (transfer none)
  },
  g_value_get_boxed: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "pointer", // gpointer (transfer none)
  },
  g_value_dup_object: {
    parameters: [
      "pointer", // const GValue *value
    ],
    result: "pointer", // gpointer (transfer full)
  },
  g_object_get_property: {
    parameters: [
      "pointer", // GObject *object
      "buffer", // const gchar *property_name
      "pointer", // GValue *value (zeroed: initialised to the property's type)
    ],
    result: "void",
  },
  g_object_class_find_property: {
    parameters: [
      "pointer", // GObjectClass *oclass
      "buffer", // const gchar *property_name
    ],
    result: "pointer", // GParamSpec * (NULL when there is no such property)
  },
  g_object_unref: {
    parameters: [
      "pointer", // gpointer object
    ],
    result: "void",
  },
  g_type_fundamental: {
    parameters: [
      "u64", // GType type_id
    ],
    result: "u64", // GType
  },
  g_type_name: {
    parameters: [
      "u64", // GType type
    ],
    result: "pointer", // const gchar * (transfer none)
  },
  g_type_class_ref: {
    parameters: [
      "u64", // GType type
    ],
    result: "pointer", // gpointer (the class; kept for the process's life)
  },
  g_enum_get_value: {
    parameters: [
      "pointer", // GEnumClass *enum_class
      "i32", // gint value
    ],
    result: "pointer", // GEnumValue * (NULL when the value is not in the enum)
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** GStreamer's SDP library (libgstsdp): loaded only for the webrtcbin engine. */
export const GSTSDP_SYMBOLS = {
  gst_sdp_message_new_from_text: {
    parameters: [
      "buffer", // const gchar *text
      "buffer", // GstSDPMessage **msg
    ],
    result: "i32", // GstSDPResult (0 = OK)
  },
  gst_sdp_message_as_text: {
    parameters: [
      "pointer", // const GstSDPMessage *msg
    ],
    result: "pointer", // gchar * (free with g_free)
  },
  gst_sdp_message_free: {
    parameters: [
      "pointer", // GstSDPMessage *msg
    ],
    result: "i32", // GstSDPResult
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** GStreamer's WebRTC library (libgstwebrtc): loaded only for the webrtcbin engine. */
export const GSTWEBRTC_SYMBOLS = {
  gst_webrtc_session_description_new: {
    parameters: [
      "i32", // GstWebRTCSDPType type
      "pointer", // GstSDPMessage *sdp (transfer full)
    ],
    result: "pointer", // GstWebRTCSessionDescription *
  },
  gst_webrtc_session_description_free: {
    parameters: [
      "pointer", // GstWebRTCSessionDescription *desc
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** GIO's sockets (libgio): only to size the receive buffer of libnice's socket. */
export const GIO_SYMBOLS = {
  g_socket_set_option: {
    parameters: [
      "pointer", // GSocket *socket
      "i32", // gint level
      "i32", // gint optname
      "i32", // gint value
      "buffer", // GError **error
    ],
    result: "i32", // gboolean
  },
  g_socket_get_option: {
    parameters: [
      "pointer", // GSocket *socket
      "i32", // gint level
      "i32", // gint optname
      "buffer", // gint *value (out)
      "buffer", // GError **error
    ],
    result: "i32", // gboolean
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libnice, the ICE library webrtcbin uses: only to reach the socket of the selected pair. */
export const NICE_SYMBOLS = {
  nice_agent_get_selected_socket: {
    parameters: [
      "pointer", // NiceAgent *agent
      "u32", // guint stream_id
      "u32", // guint component_id
    ],
    result: "pointer", // GSocket * (transfer full, nullable)
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** gst-rtsp-server (Debian/Ubuntu: gstreamer1.0-rtsp), loaded only when RTSP is served. */
export const GSTRTSPSERVER_SYMBOLS = {
  gst_rtsp_server_new: {
    parameters: [],
    result: "pointer", // GstRTSPServer * (transfer full)
  },
  gst_rtsp_server_set_address: {
    parameters: [
      "pointer", // GstRTSPServer *server
      "buffer", // const gchar *address
    ],
    result: "void",
  },
  gst_rtsp_server_set_service: {
    parameters: [
      "pointer", // GstRTSPServer *server
      "buffer", // const gchar *service
    ],
    result: "void",
  },
  gst_rtsp_server_get_bound_port: {
    parameters: [
      "pointer", // GstRTSPServer *server
    ],
    result: "i32", // gint
  },
  gst_rtsp_server_get_mount_points: {
    parameters: [
      "pointer", // GstRTSPServer *server
    ],
    result: "pointer", // GstRTSPMountPoints * (transfer full)
  },
  gst_rtsp_server_get_session_pool: {
    parameters: [
      "pointer", // GstRTSPServer *server
    ],
    result: "pointer", // GstRTSPSessionPool * (transfer full)
  },
  gst_rtsp_server_create_source: {
    parameters: [
      "pointer", // GstRTSPServer *server
      "pointer", // GCancellable *cancellable
      "buffer", // GError **error
    ],
    result: "pointer", // GSource * (transfer full)
  },
  gst_rtsp_server_client_filter: {
    parameters: [
      "pointer", // GstRTSPServer *server
      "pointer", // GstRTSPServerClientFilterFunc func (NULL: every client)
      "pointer", // gpointer user_data
    ],
    result: "pointer", // GList * of GstRTSPClient (transfer full)
  },
  gst_rtsp_client_close: {
    parameters: [
      "pointer", // GstRTSPClient *client
    ],
    result: "void",
  },
  gst_rtsp_media_factory_new: {
    parameters: [],
    result: "pointer", // GstRTSPMediaFactory * (transfer full)
  },
  gst_rtsp_media_factory_set_launch: {
    parameters: [
      "pointer", // GstRTSPMediaFactory *factory
      "buffer", // const gchar *launch
    ],
    result: "void",
  },
  gst_rtsp_media_factory_set_shared: {
    parameters: [
      "pointer", // GstRTSPMediaFactory *factory
      "bool", // gboolean shared
    ],
    result: "void",
  },
  gst_rtsp_media_factory_set_protocols: {
    parameters: [
      "pointer", // GstRTSPMediaFactory *factory
      "u32", // GstRTSPLowerTrans protocols
    ],
    result: "void",
  },
  gst_rtsp_mount_points_add_factory: {
    parameters: [
      "pointer", // GstRTSPMountPoints *mounts
      "buffer", // const gchar *path
      "pointer", // GstRTSPMediaFactory *factory (transfer full)
    ],
    result: "void",
  },
  gst_rtsp_session_pool_get_n_sessions: {
    parameters: [
      "pointer", // GstRTSPSessionPool *pool
    ],
    result: "u32", // guint
  },
  gst_rtsp_auth_new: {
    parameters: [],
    result: "pointer", // GstRTSPAuth * (transfer full)
  },
  gst_rtsp_auth_set_supported_methods: {
    parameters: [
      "pointer", // GstRTSPAuth *auth
      "u32", // GstRTSPAuthMethod methods
    ],
    result: "void",
  },
  gst_rtsp_auth_set_realm: {
    parameters: [
      "pointer", // GstRTSPAuth *auth
      "buffer", // const gchar *realm
    ],
    result: "void",
  },
  gst_rtsp_auth_add_digest: {
    parameters: [
      "pointer", // GstRTSPAuth *auth
      "buffer", // const gchar *user
      "buffer", // const gchar *pass
      "pointer", // GstRTSPToken *token (transfer none)
    ],
    result: "void",
  },
  gst_rtsp_server_set_auth: {
    parameters: [
      "pointer", // GstRTSPServer *server
      "pointer", // GstRTSPAuth *auth (transfer none)
    ],
    result: "void",
  },
  gst_rtsp_token_new_empty: {
    parameters: [],
    result: "pointer", // GstRTSPToken * (transfer full)
  },
  gst_rtsp_token_set_string: {
    parameters: [
      "pointer", // GstRTSPToken *token
      "buffer", // const gchar *field
      "buffer", // const gchar *string_value
    ],
    result: "void",
  },
  gst_rtsp_permissions_new: {
    parameters: [],
    result: "pointer", // GstRTSPPermissions * (transfer full)
  },
  gst_rtsp_permissions_add_permission_for_role: {
    parameters: [
      "pointer", // GstRTSPPermissions *permissions
      "buffer", // const gchar *role
      "buffer", // const gchar *permission
      "bool", // gboolean allowed
    ],
    result: "void",
  },
  gst_rtsp_media_factory_set_permissions: {
    parameters: [
      "pointer", // GstRTSPMediaFactory *factory
      "pointer", // GstRTSPPermissions *permissions (transfer none)
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;
