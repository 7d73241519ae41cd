/**
 * A helper process the bench talks to over Node's IPC channel: the fake model server and the peer each run
 * in their own, so neither's CPU or memory lands on the project's worker (which runs in the bench process).
 * The child sends {type: 'ready', ...} once; each request carries an id that its reply (or
 * {type: 'error', id, message}) repeats.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class IpcChild {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited?: Error;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: unknown) => this.onMessage(message));
    child.once('exit', (code, signal) => {
      this.exited = new Error(`${name} exited (${signal ?? `code ${code}`})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Fork `entry` (TypeScript, run through tsx) and wait for its ready message, which is returned. */
  static async start(
    name: string,
    entry: string,
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): Promise<{ child: IpcChild; ready: Record<string, unknown> }> {
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const proc = fork(entry, [], {
      execArgv: ['--import', tsx],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`${name} exited before it was ready (code ${code}); its errors are above`));
      proc.once('exit', onExit);
      proc.once('message', (message: unknown) => {
        proc.off('exit', onExit);
        const m = message as Record<string, unknown>;
        if (m.type === 'ready') resolve(m);
        else reject(new Error(`${name} did not start: ${JSON.stringify(message)}`));
      });
    });
    return { child: new IpcChild(name, proc), ready };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Send a request; resolves with the child's reply to it. */
  request(message: Record<string, unknown>): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...message, id });
    });
  }

  /** Ask the child to stop; kill it (by its pid) if it has not gone within 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }

  private onMessage(message: unknown): void {
    const m = message as { id?: unknown; type?: unknown; message?: unknown };
    if (typeof m.id !== 'number') return;
    const pending = this.pending.get(m.id);
    if (!pending) return;
    this.pending.delete(m.id);
    if (m.type === 'error') pending.reject(new Error(`${this.name}: ${String(m.message)}`));
    else pending.resolve(message);
  }
}
