// Load shedding for uploads: at most `limit` uploads being processed at once per process (from
// the moment the body has arrived to the reply); one more is answered 503 SERVER_BUSY +
// Retry-After at once. A body still arriving holds no slot, so slow networks do not crowd out
// the others. Without it an open-loop overload queued every upload inside the process until all
// of them outlived the clients' timeouts (bench/soak.ts at 5× the base mix: no answer at all in
// the second minute, RSS 1.2 GB).
export class UploadAdmission {
  private inFlight = 0;

  constructor(readonly limit: number) {}

  /** Takes a slot; false when all are taken (the caller answers SERVER_BUSY). */
  tryEnter(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight += 1;
    return true;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  get current(): number {
    return this.inFlight;
  }
}
