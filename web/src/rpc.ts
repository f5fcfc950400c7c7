// The page ↔ engine protocol. The same `Host` runs inside the training worker or, without a
// worker, on the page itself; the page talks to it through a `Client` either way, so the API is
// the same async one in both cases.
//
//   page → host   { id, cmd, args }            a call; `transfer` lists buffers moved, not copied
//   page → host   { id, cmd: '$cancel' }       cancel the running call `id`
//   page → host   { id, cmd: '$answer', args } the page's answer to an `ask` event of call `id`
//   host → page   { id, event }                progress of call `id` (any number of times)
//   host → page   { id, event, ask: true }     progress that waits for the page's answer (the
//                                              page's callbacks ran, and may stop training)
//   host → page   { id, ok: true, result }     the call finished
//   host → page   { id, ok: false, error }     it failed; `error` is the engine's message

export interface Request {
  id: number;
  cmd: string;
  args?: unknown;
}
export type Reply =
  | { id: number; event: unknown; ask?: boolean }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string; cancelled?: boolean };

/** What a command handler gets besides its arguments. */
export interface CallContext {
  /** Send a progress event for this call (its buffers are transferred). */
  emit(event: unknown, transfer?: Transferable[]): void;
  /** Send an event and wait for the page's answer (the value its `onEvent` returned). A
   *  cancel while waiting resolves it with `undefined`. */
  ask(event: unknown): Promise<unknown>;
  /** True once the page has asked to cancel this call. */
  readonly cancelled: boolean;
  /** Buffers to move (not copy) with the result. */
  transfer(...buffers: Transferable[]): void;
}

export type Handler = (args: any, ctx: CallContext) => unknown | Promise<unknown>;

/**
 * Thrown (and reported with `cancelled: true`) when a call stops because it was cancelled, e.g.
 * `fit` after its `signal` aborted.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * setTimeout(() => stop.abort(), 100);
 * try {
 *   await model.fit(x, y, { epochs: 1000, signal: stop.signal });
 * } catch (e) {
 *   if (!(e instanceof wg.CancelledError)) throw e;
 * }
 * ```
 */
export class CancelledError extends Error {
  constructor() {
    super('webgrad: cancelled');
    this.name = 'CancelledError';
  }
}

/** Runs handlers for requests that arrive through `post`-style messaging. */
export class Host {
  private readonly running = new Map<number, { cancelled: boolean; answer?: (v: unknown) => void }>();

  constructor(
    private readonly handlers: Record<string, Handler>,
    private readonly send: (reply: Reply, transfer: Transferable[]) => void,
  ) {}

  async receive(req: Request): Promise<void> {
    if (req.cmd === '$cancel') {
      const r = this.running.get(req.id);
      if (r) r.cancelled = true;
      r?.answer?.(undefined);
      return;
    }
    if (req.cmd === '$answer') {
      const answer = this.running.get(req.id)?.answer;
      if (answer) answer(req.args);
      return;
    }
    const state: { cancelled: boolean; answer?: (v: unknown) => void } = { cancelled: false };
    this.running.set(req.id, state);
    const moved: Transferable[] = [];
    const ctx: CallContext = {
      emit: (event, transfer = []) => this.send({ id: req.id, event }, transfer),
      ask: (event) => {
        if (state.cancelled) return Promise.resolve(undefined);
        return new Promise((resolve) => {
          state.answer = (v) => {
            state.answer = undefined;
            resolve(v);
          };
          this.send({ id: req.id, event, ask: true }, []);
        });
      },
      get cancelled() {
        return state.cancelled;
      },
      transfer: (...b) => moved.push(...b),
    };
    try {
      const handler = this.handlers[req.cmd];
      if (!handler) throw new Error(`webgrad: unknown command ${JSON.stringify(req.cmd)}`);
      const result = await handler(req.args, ctx);
      this.send({ id: req.id, ok: true, result }, moved);
    } catch (thrown) {
      const cancelled = thrown instanceof CancelledError;
      const e = describeError(thrown);
      this.send({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e), cancelled }, []);
    } finally {
      this.running.delete(req.id);
    }
  }
}

export interface CallOptions {
  transfer?: Transferable[];
  /** Receives the call's events; for an `ask` event, what it returns (or resolves to) is sent
   *  back as the answer. It should not throw (a throw is answered with `{ error }`). */
  onEvent?: (event: any) => unknown;
  signal?: AbortSignal;
}

/** A transport: where requests go and where replies come from. */
export interface Port {
  post(req: Request, transfer: Transferable[]): void;
  onReply(handler: (reply: Reply) => void): void;
  close(): void;
}

export class Client {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; onEvent?: (e: unknown) => unknown }>();

  constructor(private readonly port: Port) {
    port.onReply((r) => this.reply(r));
  }

  /** True after `close()`: calls reject at once (a terminated worker would never answer). */
  get closed(): boolean {
    return this.isClosed;
  }
  private isClosed = false;

  call<T = unknown>(cmd: string, args?: unknown, opts: CallOptions = {}): Promise<T> {
    const id = this.nextId++;
    const signal = opts.signal;
    return new Promise<T>((resolve, reject) => {
      if (this.isClosed) return reject(new Error(`webgrad: the engine was closed (${cmd} was not run)`));
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = () => this.port.post({ id, cmd: '$cancel' }, []);
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v as T)),
        reject: (e) => (done(), reject(e)),
        onEvent: opts.onEvent,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.port.post({ id, cmd, args }, opts.transfer ?? []);
    });
  }

  private reply(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if ('event' in r) {
      if (!r.ask) {
        p.onEvent?.(r.event);
        return;
      }
      const id = r.id;
      Promise.resolve()
        .then(() => p.onEvent?.(r.event))
        .then(
          (answer) => answer,
          (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
        )
        .then((answer) => {
          if (this.pending.has(id)) this.port.post({ id, cmd: '$answer', args: answer }, []);
        });
      return;
    }
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(r.cancelled ? new CancelledError() : new Error(r.error));
  }

  /** Reject every pending call (the worker died or was terminated). */
  failAll(message: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error(message));
    }
  }

  close(): void {
    this.isClosed = true;
    this.failAll('webgrad: the engine was closed');
    this.port.close();
  }
}

/** A host on this thread: replies arrive asynchronously, as they would from a worker. */
export function inlinePort(handlers: Record<string, Handler>): Port {
  let deliver: (r: Reply) => void = () => {};
  const host = new Host(handlers, (reply) => queueMicrotask(() => deliver(reply)));
  return {
    post: (req) => void host.receive(req),
    onReply: (h) => (deliver = h),
    close: () => {},
  };
}

/** A host in a dedicated worker. */
export function workerPort(worker: Worker, onCrash: (message: string) => void): Port {
  return {
    post: (req, transfer) => worker.postMessage(req, transfer),
    onReply: (h) => {
      worker.onmessage = (e: MessageEvent<Reply>) => h(e.data);
      worker.onerror = (e) => onCrash(`webgrad: the training worker failed: ${e.message}`);
      worker.onmessageerror = () => onCrash('webgrad: a message from the training worker could not be read');
    },
    close: () => worker.terminate(),
  };
}

/** Let the event loop run (to receive a cancel message) without setTimeout's 4 ms clamping. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}import { describeError } from './engine.js';

