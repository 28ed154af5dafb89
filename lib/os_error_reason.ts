/** An operating-system error in a few words, for one-line messages: "permission denied", "address already in use". */
export function osErrorReason(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return "permission denied";
  }
  if (error instanceof Deno.errors.NotADirectory || error instanceof Deno.errors.AlreadyExists) {
    return "not a directory";
  }
  if (!(error instanceof Error)) return String(error);
  return error.message.split(":")[0].replace(/\s*\(os error \d+\)/, "").toLowerCase();
}
