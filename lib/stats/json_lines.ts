/** A file of JSON records, one per line, written in batches off the hot path. */
export class JsonLines {
  #file: Deno.FsFile;
  #pending: string[] = [];
  #timer: ReturnType<typeof setInterval>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(file: Deno.FsFile) {
    this.#file = file;
    this.#timer = setInterval(() => this.#flush(), 500);
  }

  static async create(path: string): Promise<JsonLines> {
    try {
      return new JsonLines(await Deno.open(path, { write: true, create: true, truncate: true }));
    } catch (error) {
      throw new Error(`Cannot write ${path}: ${error instanceof Error ? error.message : error}`);
    }
  }

  write(record: unknown): void {
    this.#pending.push(JSON.stringify(record));
  }

  #flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#writing;
    const text = this.#pending.join("\n") + "\n";
    this.#pending = [];
    const bytes = new TextEncoder().encode(text);
    this.#writing = this.#writing.then(async () => {
      for (let done = 0; done < bytes.byteLength;) done += await this.#file.write(bytes.subarray(done));
    });
    return this.#writing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#flush();
    this.#file.close();
  }
}
