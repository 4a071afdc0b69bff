/** What the CLI reads from and writes to: the terminal in use, a recorder in tests. */
export interface OpsIo {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** Shows a progress line: rewritten in place on a terminal, one line per change otherwise. */
  progress(line: string): void;
  /** Ends a progress line. */
  endProgress(): void;
  /** True when both standard input and output are terminals, so a question can be asked. */
  readonly interactive: boolean;
  /** Asks a question and resolves to the answer. */
  ask(question: string): Promise<string>;
  sleep(ms: number): Promise<void>;
}
