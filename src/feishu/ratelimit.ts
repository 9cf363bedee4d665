// Client-side rate limiting for outgoing Feishu calls.
//
// "At most N calls in any W ms", enforced so that it holds at the SERVER, whatever the latency:
//  - a sliding-window log rather than a classic token bucket: a bucket of capacity N refilled at
//    N/s lets ~2N calls through within one second (full burst, then the refill), which a server
//    counting per sliding second rejects;
//  - a call occupies its slot from the moment it is allowed until W after its RESPONSE arrived
//    (not after it was started). The server saw the call before we saw the answer, so a new call
//    sent ≥ W after that answer arrives ≥ W after the old one did: no window at the server ever
//    holds more than N, even when a first burst was delayed (token fetch, slow network).
// Waiters are served FIFO per key, and a waiter blocked on one key (a busy group) never holds up
// waiters that only share other keys with it.

export interface LimitSpec {
  key: string;
  limit: number;
  windowMs: number;
}

interface Waiter {
  specs: LimitSpec[];
  resolve: (permit: Permit) => void;
}

/** Returned by acquire(): call release() when the call's response has arrived (or it failed). */
export interface Permit {
  release(): void;
}

/** What the Sender needs of a limiter: this in-process one, or the shared one (shared-ratelimit.ts). */
export interface RateLimiter {
  acquire(specs: LimitSpec[]): Promise<Permit>;
  pause(key: string, forMs: number): void;
  /** After the last release(): stops timers (the shared limiter also finishes writing releases). */
  close(): void | Promise<void>;
}

interface KeyState {
  /** Completion times of finished calls, ascending. */
  done: number[];
  /** Calls allowed and not yet released. */
  inflight: number;
}

export class SlidingWindowLimiter implements RateLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** `now` is a monotonic millisecond clock (real time: rate limits are about real seconds). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Resolves once a call may be made under every spec. */
  acquire(specs: LimitSpec[]): Promise<Permit> {
    return new Promise<Permit>((resolve) => {
      this.waiters.push({ specs, resolve });
      this.pump();
    });
  }

  /** Nothing passes `key` for `forMs` from now (e.g. after a 429 with x-ogw-ratelimit-reset). */
  pause(key: string, forMs: number): void {
    const until = this.now() + forMs;
    if ((this.pausedUntil.get(key) ?? 0) < until) this.pausedUntil.set(key, until);
    this.pump();
  }

  get pending(): number {
    return this.waiters.length;
  }

  /** Stops timers; waiting callers stay unresolved. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private pump(): void {
    const now = this.now();
    const blocked = new Set<string>();
    let nextAt = Infinity;
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i]!;
      let ready = true;
      for (const spec of waiter.specs) {
        if (blocked.has(spec.key)) {
          ready = false;
          continue;
        }
        const at = this.availableAt(spec, now);
        if (at > now) {
          blocked.add(spec.key);
          nextAt = Math.min(nextAt, at);
          ready = false;
        }
      }
      if (ready) {
        const states = waiter.specs.map((s) => this.stateOf(s.key));
        for (const st of states) st.inflight += 1;
        this.waiters.splice(i, 1);
        let released = false;
        waiter.resolve({
          release: () => {
            if (released) return;
            released = true;
            const t = this.now();
            for (const st of states) {
              st.inflight -= 1;
              insertSorted(st.done, t);
            }
            this.pump();
          },
        });
      } else {
        i++;
      }
    }
    if (this.waiters.length > 0 && nextAt < Infinity) this.schedule(nextAt);
    if (this.keys.size > 10_000) {
      for (const [key, st] of this.keys) {
        if (st.inflight === 0 && (st.done.length === 0 || st.done[st.done.length - 1]! < now - 120_000)) this.keys.delete(key);
      }
    }
  }

  /** The earliest time a call under `spec` is allowed (Infinity: when an in-flight call ends). */
  private availableAt(spec: LimitSpec, now: number): number {
    const paused = this.pausedUntil.get(spec.key) ?? 0;
    const st = this.stateOf(spec.key);
    while (st.done.length > 0 && st.done[0]! <= now - spec.windowMs) st.done.shift();
    const occupied = st.inflight + st.done.length;
    let free = now;
    if (occupied >= spec.limit) {
      const expire = occupied - spec.limit + 1; // finished calls that must age out first
      free = expire <= st.done.length ? st.done[expire - 1]! + spec.windowMs : Infinity;
    }
    return Math.max(free, paused);
  }

  private stateOf(key: string): KeyState {
    let st = this.keys.get(key);
    if (!st) {
      st = { done: [], inflight: 0 };
      this.keys.set(key, st);
    }
    return st;
  }

  private schedule(at: number): void {
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(1, Math.ceil(at - this.now())),
    );
  }
}

function insertSorted(arr: number[], v: number): void {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  arr.splice(lo, 0, v);
}
