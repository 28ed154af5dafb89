/** Network namespaces made by a test, so programs can run with default options and reach nothing else. */

async function ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
}

export interface Namespace {
  name: string;
  /** The prefix that runs a command inside the namespace. */
  wrap: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A namespace with only loopback up. `resolver` becomes its /etc/resolv.conf nameserver
 * (a TEST-NET address nothing answers on, so a DNS lookup shows up as an attempt and goes nowhere).
 */
export async function loopbackNamespace(resolver = "198.51.100.53"): Promise<Namespace> {
  const name = `rovtest-${crypto.randomUUID().slice(0, 8)}`;
  const etc = `/etc/netns/${name}`;
  await Deno.mkdir(etc, { recursive: true });
  await Deno.writeTextFile(`${etc}/resolv.conf`, `nameserver ${resolver}\n`);
  await ip("netns", "add", name);
  await ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  return {
    name,
    wrap: ["ip", "netns", "exec", name],
    async [Symbol.asyncDispose]() {
      await ip("netns", "del", name).catch(() => {});
      await Deno.remove(etc, { recursive: true }).catch(() => {});
    },
  };
}

/** Whether this process may create namespaces (root with iproute2). */
export async function canUseNamespaces(): Promise<boolean> {
  try {
    const out = await new Deno.Command("ip", { args: ["netns", "list"], stdout: "null", stderr: "null" })
      .output();
    return out.success && Deno.uid() === 0;
  } catch {
    return false;
  }
}
