/**
 * What each event of a streaming critique does to the panel: the panel's next state, and what is sent
 * to the webview for it (the whole state, or only the streamed text). It imports no `vscode`, so the
 * benchmark drives the same path as the editor.
 */
import type { Constitution, Turn } from '@lens/core';
import type { CritiqueEvent } from '@lens/critique';
import type { PanelState, ToWebview } from '../webviewMessages.ts';
import { wordDiff } from './diff.ts';
import { placeFinding } from './findings.ts';

/** One event's effect: the next state, the message for the webview (if any), and a line for the log. */
export interface PanelStep {
  readonly state: PanelState;
  readonly message?: ToWebview;
  readonly log?: string;
}

/** Applies a streamed event of the critique of `turn` to the panel's state. */
export function panelStep(state: PanelState, event: CritiqueEvent, turn: Turn, constitution: Constitution): PanelStep {
  const whole = (next: PanelState): PanelStep => ({ state: next, message: { type: 'state', state: next } });
  switch (event.type) {
    case 'started':
      return whole({ ...state, model: event.model });
    case 'text':
      // Streamed text goes alone: the webview appends it, rather than rendering the whole state again.
      return { state: { ...state, progressText: state.progressText + event.delta }, message: { type: 'progress', runId: state.runId, delta: event.delta } };
    case 'finding': {
      const placed = placeFinding(turn, constitution, event.finding);
      return whole('reason' in placed ? { ...state, dropped: [...state.dropped, placed] } : { ...state, findings: [...state.findings, placed] });
    }
    case 'dropped':
      return {
        ...whole({ ...state, dropped: [...state.dropped, { principle: event.dropped.finding.principle, quote: event.dropped.finding.quote, reason: event.dropped.reason }] }),
        log: `Dropped a finding for ${event.dropped.finding.principle}: ${event.dropped.reason}`,
      };
    case 'revision':
      return whole({ ...state, revision: event.text, diff: wordDiff(state.original, event.text.replace(/\s+$/, '')) });
    case 'usage':
      return whole({
        ...state,
        usage: {
          inputTokens: event.usage.input_tokens,
          outputTokens: event.usage.output_tokens,
          cacheReadTokens: event.usage.cache_read_input_tokens,
          cacheCreationTokens: event.usage.cache_creation_input_tokens,
        },
      });
    default:
      return { state };
  }
}
