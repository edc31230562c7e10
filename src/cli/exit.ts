/** Exit codes every alsx command keeps: scripts and CI depend on them. */
export const EXIT = {
  ok: 0,
  /** a rule refused (constraint, integrity), a check found drift, a test failed */
  rejected: 1,
  /** bad input or usage: unknown table/column, malformed JSON, missing file, unknown flag */
  badInput: 2,
  /** a bug in alsx itself (printed with its stack): please report it */
  internal: 3,
  /** stopped by Ctrl-C (128 + SIGINT, as shells report it) */
  interrupted: 130,
} as const;

/** An error to show the user as a plain message (no stack) with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
