/**
 * A budget of request-body bytes the API works on at once. Parsing,
 * validating, storing and enqueueing an event batch takes roughly ten times
 * its size in heap (a 16 MiB batch does not fit a 128 MiB heap), so without a
 * budget a few large batches at once exhaust the heap and the process dies
 * with every request it holds. Beyond the budget a request is refused before
 * its body is read — a 503 with Retry-After, which producers already retry —
 * so nothing accepted is lost and the process keeps serving. One request is
 * always admitted when nothing else is in flight, so no valid body waits
 * forever.
 */
export class IngestAdmission {
  private inFlight = 0;

  constructor(readonly budgetBytes: number) {}

  /** Reserves `bytes`; false when the budget cannot take them now. */
  tryReserve(bytes: number): boolean {
    if (this.inFlight > 0 && this.inFlight + bytes > this.budgetBytes) return false;
    this.inFlight += bytes;
    return true;
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }
}
