/**
 * Gives the C heap's free memory back to the system (glibc's `malloc_trim`). Each viewer's webrtcbin
 * runs a dozen threads, each with its own malloc arena; after the viewer leaves, the freed memory
 * stays in those arenas and the server's resident size creeps up with every session that came and
 * went. Trimming after a viewer leaves keeps the resident size at what is really in use. Elsewhere
 * (macOS, Windows, musl) there is no such call and this does nothing.
 */
import { hostOs } from "./library_path.ts";

const SYMBOLS = {
  // int malloc_trim(size_t pad)
  malloc_trim: { parameters: ["usize" /* size_t pad */], result: "i32", nonblocking: true },
} as const satisfies Deno.ForeignLibraryInterface;

let libc: Deno.DynamicLibrary<typeof SYMBOLS> | null | undefined;

function open(): Deno.DynamicLibrary<typeof SYMBOLS> | null {
  if (libc !== undefined) return libc;
  try {
    libc = hostOs() === "linux" ? Deno.dlopen("libc.so.6", SYMBOLS) : null;
  } catch {
    libc = null; // not glibc
  }
  return libc;
}

/** Returns free heap pages to the system, off the event loop; resolves when done. */
export async function trimHeap(): Promise<void> {
  await open()?.symbols.malloc_trim(0n);
}
