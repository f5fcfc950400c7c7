import { describe, expect, it } from 'vitest';
import { CancelledError, Client, inlinePort, yieldToEventLoop, type Handler } from '../src/rpc.js';

function client(handlers: Record<string, Handler>) {
  return new Client(inlinePort(handlers));
}

describe('rpc', () => {
  it('returns results and turns thrown errors into rejected Errors with the message', async () => {
    const c = client({
      double: (x: number) => 2 * x,
      fail: () => {
        throw new Error('matmul: [3, 4] × [5, 6]: inner dimensions 4 and 5 differ');
      },
    });
    expect(await c.call('double', 21)).toBe(42);
    await expect(c.call('fail')).rejects.toThrow('inner dimensions 4 and 5 differ');
    await expect(c.call('nope')).rejects.toThrow(/unknown command "nope"/);
  });

  it('delivers progress events before the result', async () => {
    const c = client({
      count: async (n: number, ctx) => {
        for (let i = 0; i < n; i++) ctx.emit({ i });
        return 'done';
      },
    });
    const seen: number[] = [];
    expect(await c.call('count', 3, { onEvent: (e) => seen.push(e.i) })).toBe('done');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('cancels a running call through an AbortSignal', async () => {
    let steps = 0;
    const c = client({
      forever: async (_: unknown, ctx) => {
        while (!ctx.cancelled) {
          steps++;
          await yieldToEventLoop();
        }
        throw new CancelledError();
      },
    });
    const ac = new AbortController();
    const p = c.call('forever', null, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(steps).toBeGreaterThan(0);
    // An already-aborted signal never starts the call.
    await expect(c.call('forever', null, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('fails pending calls when the transport dies', async () => {
    const c = client({ hang: () => new Promise(() => {}) });
    const p = c.call('hang');
    c.failAll('worker crashed');
    await expect(p).rejects.toThrow('worker crashed');
  });
});
