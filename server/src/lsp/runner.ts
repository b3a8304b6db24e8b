/**
 * Every request handler runs through {@link runSafe}, so cancellation and errors are handled in one
 * place: a cancelled request answers as cancelled, a throwing handler is logged and answers its
 * fallback, and the server never crashes on input.
 */
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export type Logger = (message: string) => void;

export function runSafe<T>(
  log: Logger,
  name: string,
  token: CancellationToken | undefined,
  fn: () => T | Promise<T>,
  fallback: T,
): Promise<T | ResponseError<void>> {
  return new Promise((resolve) => {
    setImmediate(async () => {
      if (token?.isCancellationRequested) {
        resolve(cancelled());
        return;
      }
      try {
        const result = await fn();
        resolve(token?.isCancellationRequested ? cancelled() : result);
      } catch (error) {
        if (error instanceof ResponseError) {
          resolve(error);
          return;
        }
        log(`${name} failed: ${describe(error)}`);
        resolve(fallback);
      }
    });
  });
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
