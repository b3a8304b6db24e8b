/**
 * The messages between the agreement panel's webview and the extension, both directions, as
 * discriminated unions on `type`; the webview imports this file through its bundle.
 */
import type { AgreementResult } from '@lens/protocol';

/** A place in a file, in LSP terms, that a row of the panel links to. */
export interface AgreementPlace {
  readonly uri: string;
  readonly range: { readonly start: { line: number; character: number }; readonly end: { line: number; character: number } };
}

/** What the panel shows, and what it keeps with `setState` for a window reload. */
export interface AgreementState {
  readonly report: AgreementResult;
  /** When the report was made, as an ISO date. */
  readonly madeAt: string;
  /** Each file's name as the workspace shows it, by uri. */
  readonly names: Readonly<Record<string, string>>;
}

export type ToAgreementView = { readonly type: 'state'; readonly state: AgreementState };

export type FromAgreementView =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'open'; readonly place: AgreementPlace };

/** Reads a message from the webview, or undefined when it is not one of {@link FromAgreementView}. */
export function parseFromAgreementView(value: unknown): FromAgreementView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m.type === 'ready' || m.type === 'refresh') return { type: m.type };
  if (m.type !== 'open' || typeof m.place !== 'object' || m.place === null) return undefined;
  const place = m.place as Record<string, unknown>;
  const range = place.range as AgreementPlace['range'] | undefined;
  const isPosition = (p: unknown) =>
    typeof p === 'object' && p !== null && Number.isInteger((p as { line: unknown }).line) && Number.isInteger((p as { character: unknown }).character);
  if (typeof place.uri !== 'string' || !range || !isPosition(range.start) || !isPosition(range.end)) return undefined;
  return { type: 'open', place: { uri: place.uri, range: { start: { ...range.start }, end: { ...range.end } } } };
}

/** Whether a value restored by the webview's `getState` (or a serializer) is an agreement state. */
export function isAgreementState(value: unknown): value is AgreementState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const r = s.report as Record<string, unknown> | undefined;
  return typeof s.madeAt === 'string' && typeof s.names === 'object' && !!r && Array.isArray(r.clauses) && Array.isArray(r.rules) && Array.isArray(r.disagreements);
}
