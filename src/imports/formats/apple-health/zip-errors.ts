// How reading a zip fails, and the bound on what it may expand to (CONTRACT §9: 20 × MAX_IMPORT_BYTES).

export type ZipProblem = 'TRUNCATED_FILE' | 'MALFORMED_FILE' | 'EXPANSION_LIMIT_EXCEEDED' | 'NOT_AN_EXPORT' | 'UNSUPPORTED_FILE';

export class ZipReadError extends Error {
  constructor(
    readonly code: ZipProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ZipReadError';
  }
}

/** Counts expanded bytes against the limit, across every entry inflated. */
export class ExpansionBudget {
  expanded = 0;
  constructor(readonly limit: number) {}

  add(bytes: number): void {
    this.expanded += bytes;
    if (this.expanded > this.limit) throw this.exceeded();
  }

  checkDeclared(bytes: number): void {
    if (this.expanded + bytes > this.limit) throw this.exceeded();
  }

  private exceeded(): ZipReadError {
    return new ZipReadError(
      'EXPANSION_LIMIT_EXCEEDED',
      `the zip expands past ${this.limit} bytes, the limit for one import`,
    );
  }
}
