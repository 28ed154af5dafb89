/** --token / --token-file (both programs) and the TLS files: read and checked, one line when wrong. */
import { CliError } from "./cli_error.ts";
import { osErrorReason } from "../os_error_reason.ts";
import { tokenProblem } from "../signalling/server_access.ts";

/** The access token from --token or the first line of --token-file; undefined when neither is given. */
export async function accessToken(
  options: { token?: string; tokenFile?: string },
): Promise<string | undefined> {
  if (options.token !== undefined && options.tokenFile !== undefined) {
    throw new CliError("--token and --token-file both give the token: use one");
  }
  let token = options.token;
  if (options.tokenFile !== undefined) {
    const text = await readText(options.tokenFile, "--token-file");
    token = text.split(/\r?\n/)[0].trim();
  }
  if (token === undefined) return undefined;
  const problem = tokenProblem(token);
  if (problem) {
    throw new CliError(
      `Invalid ${options.tokenFile ? `token in ${options.tokenFile}` : "--token"}: ${problem}`,
    );
  }
  return token;
}

/** A PEM file's text; CliError naming the option and the reason when it cannot be read. */
export async function readText(path: string, option: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new CliError(`Cannot read ${option} ${path}: ${osErrorReason(error)}`);
  }
}
