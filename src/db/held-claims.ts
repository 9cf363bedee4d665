// The rows one instance has claimed (inbox events, outbox messages) and not yet settled. Claims
// are leases: while any row is held, `renew` extends them every lockMs/3, so only the rows of an
// instance that died (or lost the database for longer than a lease) expire and are taken over.
// A result whose write failed (the database went away) is kept with its row as `owed`, to be
// written before the next claim instead of the row waiting out its lease.
export class HeldClaims<Owed> {
  private readonly rows = new Map<number, Owed | undefined>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly lockMs: number,
    /** Extends the leases of these ids; handles (logs) its own errors. */
    private readonly renew: (ids: number[]) => Promise<void>,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  has(id: number): boolean {
    return this.rows.has(id);
  }

  owedFor(id: number): Owed | undefined {
    return this.rows.get(id);
  }

  /** Snapshot of the held rows with what is owed for each. */
  entries(): [number, Owed | undefined][] {
    return [...this.rows];
  }

  hold(id: number): void {
    this.rows.set(id, undefined);
    this.startHeartbeat();
  }

  owe(id: number, owed: Owed): void {
    this.rows.set(id, owed);
    this.startHeartbeat();
  }

  settle(id: number): void {
    this.rows.delete(id);
    if (this.rows.size === 0) this.stop();
  }

  /** Stops renewing (the rows stay listed). */
  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const ids = [...this.rows.keys()];
      if (ids.length > 0) void this.renew(ids);
    }, Math.max(10, Math.floor(this.lockMs / 3)));
    this.heartbeat.unref?.();
  }
}
