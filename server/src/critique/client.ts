/** Builds the SDK client every critique request goes through. */
import Anthropic from '@anthropic-ai/sdk';

export interface ClientSettings {
  readonly apiKey: string;
  /** An Anthropic-compatible endpoint; absent means the SDK's default, never the environment's. */
  readonly baseURL?: string;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
}

export const defaultTimeoutMs = 120_000;
export const defaultMaxRetries = 2;

/**
 * A client with the key passed in code, so the SDK reads no credential from the environment, and an
 * explicit base URL, so `ANTHROPIC_BASE_URL` applies only where a front end passes it on (the CLI does,
 * an untrusted workspace does not). Logging is off because the language server speaks on stdout.
 */
export function createClient(settings: ClientSettings): Anthropic {
  return new Anthropic({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? null,
    maxRetries: settings.maxRetries ?? defaultMaxRetries,
    timeout: settings.timeoutMs ?? defaultTimeoutMs,
    logLevel: 'off',
    openTelemetry: false,
  });
}
