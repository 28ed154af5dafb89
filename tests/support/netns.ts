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

/**
 * Two namespaces joined by a veth pair, 10.<n>.<m>.1/24 and .2/24, each with a multicast route on its
 * veth: a small LAN of the test's own. Nothing else is reachable from either side.
 */
export async function vethPair(): Promise<
  {
    a: Namespace & { address: string; iface: string };
    b: Namespace & { address: string; iface: string };
    [Symbol.asyncDispose](): Promise<void>;
  }
> {
  const tag = crypto.randomUUID().slice(0, 6);
  const subnet = `10.${200 + (parseInt(tag.slice(0, 2), 16) % 50)}.${parseInt(tag.slice(2, 4), 16)}`;
  const [a, b] = [await loopbackNamespace(), await loopbackNamespace()];
  const [ifA, ifB] = [`va${tag}`, `vb${tag}`];
  await ip("link", "add", ifA, "netns", a.name, "type", "veth", "peer", "name", ifB, "netns", b.name);
  for (const [ns, iface, host] of [[a, ifA, 1], [b, ifB, 2]] as const) {
    await ip("netns", "exec", ns.name, "ip", "addr", "add", `${subnet}.${host}/24`, "dev", iface);
    await ip("netns", "exec", ns.name, "ip", "link", "set", iface, "up");
    await ip("netns", "exec", ns.name, "ip", "route", "add", "224.0.0.0/4", "dev", iface);
  }
  return {
    a: Object.assign(a, { address: `${subnet}.1`, iface: ifA }),
    b: Object.assign(b, { address: `${subnet}.2`, iface: ifB }),
    async [Symbol.asyncDispose]() {
      await a[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
    },
  };
}
