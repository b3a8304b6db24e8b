/**
 * The pure parts of the panel's view: how findings group, and the one-line summaries of a critique's
 * model, tokens and state. The webview renders from these; tests read them without a DOM.
 */
import type { DiffSegment, PanelFinding, PanelState } from '../../client/src/webviewMessages.ts';

export interface PrincipleGroup {
  readonly principle: string;
  readonly title?: string;
  /** Each finding with its index in the state, which the webview sends back to reveal its quote. */
  readonly findings: readonly { readonly index: number; readonly finding: PanelFinding }[];
}

/** Findings grouped by principle, principles in the order they first occur. */
export function groupFindings(findings: readonly PanelFinding[]): PrincipleGroup[] {
  const groups = new Map<string, { principle: string; title?: string; findings: { index: number; finding: PanelFinding }[] }>();
  findings.forEach((finding, index) => {
    let group = groups.get(finding.principle);
    if (!group) groups.set(finding.principle, (group = { principle: finding.principle, ...(finding.clauseTitle ? { title: finding.clauseTitle } : {}), findings: [] }));
    group.findings.push({ index, finding });
  });
  return [...groups.values()];
}

const count = (n: number) => n.toLocaleString('en');

/** "claude-… · 1,200 input tokens (1,000 read from cache) · 310 output tokens", or that the result came from the cache. */
export function usageSummary(state: PanelState): string {
  const parts = [state.model];
  if (state.cached) parts.push('from the critique cache: no request was sent');
  else if (state.usage) {
    const u = state.usage;
    const input = u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
    const cache: string[] = [];
    if (u.cacheReadTokens) cache.push(`${count(u.cacheReadTokens)} read from cache`);
    if (u.cacheCreationTokens) cache.push(`${count(u.cacheCreationTokens)} written to cache`);
    parts.push(`${count(input)} input tokens${cache.length ? ` (${cache.join(', ')})` : ''}`, `${count(u.outputTokens)} output tokens`);
  }
  return parts.join(' · ');
}

/** The text on each side of a side-by-side diff: the original keeps removals, the revision additions. */
export function diffSides(diff: readonly DiffSegment[]): { original: DiffSegment[]; revision: DiffSegment[] } {
  return { original: diff.filter((s) => s.kind !== 'added'), revision: diff.filter((s) => s.kind !== 'removed') };
}

/** What the panel says about where the critique stands. */
export function statusLine(state: PanelState): string {
  if (state.phase === 'streaming') {
    const n = state.findings.length;
    return state.progressText === '' ? 'Waiting for the model…' : `Streaming the critique… ${n} finding${n === 1 ? '' : 's'} so far`;
  }
  if (state.phase === 'error') return 'The critique stopped.';
  const n = state.findings.length;
  return n === 0 ? 'No findings: the turn is consistent with the principles sent.' : `${n} finding${n === 1 ? '' : 's'}`;
}
