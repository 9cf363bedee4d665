// The one clock. Everything that asks "what time is it" takes a Clock, so tests and `--at` can set it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at one instant (moveable, for tests and the sandbox's clock control). */
export class FixedClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant.getTime());
  }
  set(instant: Date): void {
    this.instant = new Date(instant.getTime());
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

/** A clock that runs from a chosen starting instant (the sandbox after "jump to"). */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  private readonly listeners: ((now: Date) => void)[] = [];
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  jumpTo(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
    for (const l of this.listeners) l(this.now());
  }
  /** Called after every jump (the scheduler checks at once what is due at the new time). */
  onJump(listener: (now: Date) => void): void {
    this.listeners.push(listener);
  }
}
