/**
 * Places a critique's findings in the turn as the document now stands. A cached result may come from
 * a file that has since moved around the turn, so its stored spans are not trusted: each quote is
 * located again, and a quote no longer in the turn is left out rather than underlined elsewhere.
 */
import { locateQuote, type Constitution, type Turn } from '@lens/core';
import type { CritiqueFinding } from '@lens/critique';
import type { PanelDropped, PanelFinding } from '../webviewMessages.ts';

export interface PlacedFindings {
  readonly findings: PanelFinding[];
  readonly dropped: PanelDropped[];
}

export function placeFinding(turn: Turn, constitution: Constitution, finding: CritiqueFinding): PanelFinding | PanelDropped {
  const clause = constitution.clauses.find((c) => c.id === finding.principle);
  const at = locateQuote(turn, finding.quote);
  if (!at) return { principle: finding.principle, quote: finding.quote, reason: 'The quoted words are not in the turn.' };
  return {
    principle: finding.principle,
    ...(clause ? { clauseTitle: clause.title } : {}),
    quote: finding.quote,
    critique: finding.critique,
    severity: finding.severity,
    span: at.span,
  };
}

export function placeFindings(turn: Turn, constitution: Constitution, findings: readonly CritiqueFinding[]): PlacedFindings {
  const out: PlacedFindings = { findings: [], dropped: [] };
  for (const f of findings) {
    const placed = placeFinding(turn, constitution, f);
    if ('reason' in placed) out.dropped.push(placed);
    else out.findings.push(placed);
  }
  return out;
}

/** Findings grouped by principle, principles in the order they first occur. */
export function groupByPrinciple(findings: readonly PanelFinding[]): Map<string, PanelFinding[]> {
  const groups = new Map<string, PanelFinding[]>();
  for (const f of findings) {
    const list = groups.get(f.principle);
    if (list) list.push(f);
    else groups.set(f.principle, [f]);
  }
  return groups;
}
