/**
 * GObject from JavaScript without introspection or callbacks: GValues, object properties, action
 * signals (looked up and emitted with `g_signal_emitv`, since `g_signal_emit_by_name` is variadic
 * and Deno cannot call varargs portably), and GstStructures read back as plain data.
 */
import { cString, GstError, gstreamer, readString } from "./gst.ts";

/** Fundamental GTypes (G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2). */
const TYPE = {
  BOOLEAN: 20n,
  INT: 24n,
  UINT: 28n,
  LONG: 32n,
  ULONG: 36n,
  INT64: 40n,
  UINT64: 44n,
  ENUM: 48n,
  FLAGS: 52n,
  FLOAT: 56n,
  DOUBLE: 60n,
  STRING: 64n,
  POINTER: 68n,
  BOXED: 72n,
  OBJECT: 80n,
} as const;

export const GVALUE_SIZE = 24; // GType, then two 8-byte data words
const SIGNAL_QUERY_SIZE = 56;
const QUERY_RETURN_TYPE = 32; // GSignalQuery.return_type
const QUERY_N_PARAMS = 40; // GSignalQuery.n_params
const QUERY_PARAM_TYPES = 48; // GSignalQuery.param_types
const STATIC_SCOPE = ~1n; // G_SIGNAL_TYPE_STATIC_SCOPE is bit 0 of a parameter's GType
const PARAM_SPEC_VALUE_TYPE = 24; // GParamSpec.value_type
const ENUM_VALUE_NICK = 16; // GEnumValue.value_nick

/** What JavaScript passes to a signal or reads back from a property, a field or a signal. */
export type Plain = boolean | number | bigint | string | null | PlainObject;
export interface PlainObject {
  [field: string]: Plain;
}
/** A signal argument: a number for int/uint/enum, a pointer for boxed and object parameters. */
export type SignalArg = boolean | number | string | Deno.PointerValue;

/** An instance's GType: `G_TYPE_FROM_INSTANCE(obj)`, the first word of its class. */
export function typeOf(instance: Deno.PointerObject): bigint {
  const klass = new Deno.UnsafePointerView(instance).getPointer(0);
  if (klass === null) throw new GstError("Object has no class");
  return new Deno.UnsafePointerView(klass).getBigUint64(0);
}

/** The type's name, e.g. "GstWebRTCBin". */
export function typeName(type: bigint): string {
  return readString(gstreamer().gobject.g_type_name(type)) ?? "unknown";
}

/** A block of zeroed GValues in JavaScript memory; `unset()` releases what they hold. */
class GValues {
  readonly memory: Uint8Array<ArrayBuffer>;
  #initialised: number[] = [];

  constructor(count: number) {
    this.memory = new Uint8Array(GVALUE_SIZE * count);
  }

  at(index: number): Deno.PointerObject {
    return Deno.UnsafePointer.offset(Deno.UnsafePointer.of(this.memory)!, GVALUE_SIZE * index)!;
  }

  init(index: number, type: bigint): Deno.PointerObject {
    const value = this.at(index);
    gstreamer().gobject.g_value_init(value, type);
    this.#initialised.push(index);
    return value;
  }

  unset(): void {
    const { gobject } = gstreamer();
    for (const index of this.#initialised) gobject.g_value_unset(this.at(index));
    this.#initialised = [];
  }
}

function setValue(value: Deno.PointerObject, type: bigint, arg: SignalArg, what: string): void {
  const { gobject } = gstreamer();
  const fundamental = gobject.g_type_fundamental(type);
  switch (fundamental) {
    case TYPE.BOOLEAN:
      return gobject.g_value_set_boolean(value, Boolean(arg));
    case TYPE.INT:
      return gobject.g_value_set_int(value, Number(arg));
    case TYPE.UINT:
      return gobject.g_value_set_uint(value, Number(arg));
    case TYPE.ENUM:
      return gobject.g_value_set_enum(value, Number(arg));
    case TYPE.STRING:
      return gobject.g_value_set_string(value, cString(String(arg)));
    case TYPE.BOXED:
      return gobject.g_value_set_boxed(value, arg as Deno.PointerValue);
    case TYPE.OBJECT:
      return gobject.g_value_set_object(value, arg as Deno.PointerValue);
    case TYPE.POINTER:
      return gobject.g_value_set_pointer(value, arg as Deno.PointerValue);
  }
  throw new GstError(`${what}: cannot pass a value of type ${typeName(type)}`);
}

const enumClasses = new Map<bigint, Deno.PointerValue>();

/** An enum value's nick ("inbound-rtp"), or its number when the enum has no such value. */
function enumNick(type: bigint, value: number): string | number {
  const { gobject } = gstreamer();
  let klass = enumClasses.get(type);
  if (klass === undefined) {
    klass = gobject.g_type_class_ref(type);
    enumClasses.set(type, klass);
  }
  const entry = klass === null ? null : gobject.g_enum_get_value(klass, value);
  return entry === null
    ? value
    : readString(new Deno.UnsafePointerView(entry).getPointer(ENUM_VALUE_NICK)) ?? value;
}

/**
 * A GValue as plain data: numbers, strings, booleans, enum nicks, and GstStructures (such as
 * webrtcbin's statistics) as nested objects. Types with no plain form read as null.
 */
export function readValue(value: Deno.PointerObject): Plain {
  const { gobject, gst } = gstreamer();
  const type = new Deno.UnsafePointerView(value).getBigUint64(0);
  switch (gobject.g_type_fundamental(type)) {
    case TYPE.BOOLEAN:
      return gobject.g_value_get_boolean(value);
    case TYPE.INT:
      return gobject.g_value_get_int(value);
    case TYPE.UINT:
      return gobject.g_value_get_uint(value);
    case TYPE.LONG:
    case TYPE.INT64:
      return Number(gobject.g_value_get_int64(value));
    case TYPE.ULONG:
    case TYPE.UINT64:
      return Number(gobject.g_value_get_uint64(value));
    case TYPE.DOUBLE:
      return gobject.g_value_get_double(value);
    case TYPE.FLOAT:
      return gobject.g_value_get_float(value);
    case TYPE.ENUM:
      return enumNick(type, gobject.g_value_get_enum(value));
    case TYPE.STRING:
      return readString(gobject.g_value_get_string(value)) ?? null;
    case TYPE.BOXED:
      if (type === gst.gst_structure_get_type()) {
        const structure = gobject.g_value_get_boxed(value);
        return structure === null ? null : structureToObject(structure);
      }
      return null;
  }
  return null;
}

/** Every field of a GstStructure as plain data (nested structures become nested objects). */
export function structureToObject(structure: Deno.PointerObject): PlainObject {
  const { gst } = gstreamer();
  const out: PlainObject = {};
  const count = gst.gst_structure_n_fields(structure);
  for (let i = 0; i < count; i++) {
    const name = readString(gst.gst_structure_nth_field_name(structure, i));
    if (name === undefined) continue;
    const value = gst.gst_structure_get_value(structure, cString(name));
    if (value !== null) out[name] = readValue(value);
  }
  return out;
}

function findProperty(instance: Deno.PointerObject, name: string): Deno.PointerValue {
  const klass = new Deno.UnsafePointerView(instance).getPointer(0);
  return klass === null ? null : gstreamer().gobject.g_object_class_find_property(klass, cString(name));
}

/** Whether the object's class has a property of this name. */
export function hasProperty(instance: Deno.PointerObject, name: string): boolean {
  return findProperty(instance, name) !== null;
}

function propertyType(instance: Deno.PointerObject, name: string): bigint {
  const spec = findProperty(instance, name);
  if (spec === null) throw new GstError(`No property "${name}" in ${typeName(typeOf(instance))}`);
  return new Deno.UnsafePointerView(spec).getBigUint64(PARAM_SPEC_VALUE_TYPE);
}

/**
 * Reads property `name` into a GValue of its own type and hands it to `read` (which must copy what
 * it keeps: the value is released afterwards).
 */
export function withProperty<T>(
  instance: Deno.PointerObject,
  name: string,
  read: (value: Deno.PointerObject) => T,
): T {
  const values = new GValues(1);
  const value = values.init(0, propertyType(instance, name));
  try {
    gstreamer().gobject.g_object_get_property(instance, cString(name), value);
    return read(value);
  } finally {
    values.unset();
  }
}

/** A property's value as plain data (an enum as its nick). */
export function getProperty(instance: Deno.PointerObject, name: string): Plain {
  return withProperty(instance, name, readValue);
}

/** An object-valued property, as a new reference (release with `unrefObject`), or null. */
export function getObjectProperty(instance: Deno.PointerObject, name: string): Deno.PointerValue {
  return withProperty(instance, name, (value) => gstreamer().gobject.g_value_dup_object(value));
}

/** Sets a property from its string form, as gst-launch would (enums by nick, numbers, booleans). */
export function setProperty(
  instance: Deno.PointerObject,
  name: string,
  value: string | number | boolean,
): void {
  propertyType(instance, name); // a missing property is an error here, not a GLib warning
  gstreamer().gst.gst_util_set_object_arg(instance, cString(name), cString(String(value)));
}

const GLIST_DATA = 0; // GList.data
const GLIST_NEXT = 8; // GList.next

/**
 * Takes a GList of objects that the caller owns (transfer full, e.g. gst_device_monitor_get_devices):
 * `fn` sees each object, which is released after it, and then the list is freed.
 */
export function takeObjectList(list: Deno.PointerValue, fn: (object: Deno.PointerObject) => void): void {
  try {
    for (let node = list; node !== null;) {
      const view = new Deno.UnsafePointerView(node);
      const object = view.getPointer(GLIST_DATA);
      node = view.getPointer(GLIST_NEXT);
      if (object === null) continue;
      try {
        fn(object);
      } finally {
        unrefObject(object);
      }
    }
  } finally {
    if (list !== null) gstreamer().glib.g_list_free(list);
  }
}

export function unrefObject(object: Deno.PointerValue): void {
  if (object !== null) gstreamer().gobject.g_object_unref(object);
}

/** The result of a signal: a number, a boolean, or a pointer (an object comes as a new reference). */
export type SignalResult = boolean | number | Deno.PointerValue | undefined;

/**
 * Emits the action signal `name` on `instance` with `args` (one per signal parameter, converted by
 * the parameter's type) and returns its result. Unknown signals and wrong argument counts throw.
 */
export function emitSignal(instance: Deno.PointerObject, name: string, args: SignalArg[] = []): SignalResult {
  const { gobject } = gstreamer();
  const instanceType = typeOf(instance);
  const id = gobject.g_signal_lookup(cString(name), instanceType);
  if (id === 0) throw new GstError(`No signal "${name}" on ${typeName(instanceType)}`);
  const query = new Uint8Array(SIGNAL_QUERY_SIZE);
  gobject.g_signal_query(id, query);
  const view = new DataView(query.buffer);
  const returnType = view.getBigUint64(QUERY_RETURN_TYPE, true) & STATIC_SCOPE;
  const count = view.getUint32(QUERY_N_PARAMS, true);
  if (args.length !== count) {
    throw new GstError(`Signal "${name}" takes ${count} arguments, not ${args.length}`);
  }
  const paramTypes = Deno.UnsafePointer.create(view.getBigUint64(QUERY_PARAM_TYPES, true));
  const params = new GValues(count + 1);
  const result = new GValues(1);
  try {
    gobject.g_value_set_object(params.init(0, instanceType), instance);
    for (let i = 0; i < count; i++) {
      const type = new Deno.UnsafePointerView(paramTypes!).getBigUint64(i * 8) & STATIC_SCOPE;
      setValue(params.init(i + 1, type), type, args[i], `Signal "${name}" argument ${i + 1}`);
    }
    const hasResult = returnType !== 4n; // G_TYPE_NONE
    const out = hasResult ? result.init(0, returnType) : null;
    gobject.g_signal_emitv(params.at(0), id, 0, out);
    if (out === null) return undefined;
    const fundamental = gobject.g_type_fundamental(returnType);
    if (fundamental === TYPE.OBJECT) return gobject.g_value_dup_object(out);
    if (fundamental === TYPE.BOOLEAN) return gobject.g_value_get_boolean(out);
    if (fundamental === TYPE.INT) return gobject.g_value_get_int(out);
    if (fundamental === TYPE.UINT) return gobject.g_value_get_uint(out);
    if (fundamental === TYPE.ENUM) return gobject.g_value_get_enum(out);
    return undefined;
  } finally {
    params.unset();
    result.unset();
  }
}
