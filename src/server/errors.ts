/** OpenAI-style error bodies: `{ error: { message, type, param, code } }` with the right status. */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null): HttpError =>
  new HttpError(400, message, 'invalid_request_error', param, code);

/** An unexpected failure, reported without internals beyond the message. */
export function internalError(e: unknown): HttpError {
  return new HttpError(500, `generation failed: ${e instanceof Error ? e.message : String(e)}`, 'server_error', null, null);
}
