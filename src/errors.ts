/**
 * Errors lossdoc knows how to explain. The CLI prints `message` (plus `hint`) on one line and
 * exits 2; anything else is a crash.
 */
export class LossdocError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input cannot be read or parsed. `source` names the file (and line when known). */
export class InputError extends LossdocError {
  constructor(
    readonly source: string,
    message: string,
    options: { code?: string; line?: number; hint?: string } = {},
  ) {
    super(
      `${source}${options.line !== undefined ? `:${options.line}` : ''}: ${message}`,
      options.code ?? 'bad-input',
      options.hint,
    );
  }
}

/** Bad flags or config values. */
export class UsageError extends LossdocError {
  constructor(message: string, hint?: string) {
    super(message, 'usage', hint);
  }
}

export class ConfigError extends LossdocError {
  constructor(message: string, hint?: string) {
    super(message, 'config', hint);
  }
}
