/**
 * The agreement panel's script, inside the webview: the table of clauses and rules, the pairs, the
 * disagreements and the unmatched labels, each place a link that opens its turn. Text from files is
 * set as text, never as markup. The state is kept with `setState` for a window reload.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import { isAgreementState, type AgreementPlace, type AgreementState, type FromAgreementView, type ToAgreementView } from '../../client/src/agreement/messages.ts';
import type { AgreementResult } from '@lens/protocol';

interface VsCodeApi {
  postMessage(message: FromAgreementView): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

type Row = AgreementResult['clauses'][number];
type Placed = AgreementResult['disagreements'][number]['label'];

function el<K extends string>(tag: K, className?: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const figure = (x: number | null) => (x === null ? '–' : x.toFixed(2));

/** A table whose first `named` columns (names of clauses and rules) are wide and whose counts are narrow. */
function table(head: readonly string[], rows: readonly (readonly (string | HTMLElement)[])[], label: string, named = 1): HTMLElement {
  const t = el('vscode-table');
  t.setAttribute('zebra', '');
  t.setAttribute('bordered-columns', '');
  t.setAttribute('resizable', '');
  // Shares of the width: the names a fifth, counts narrow, figures a little wider.
  const width = (h: string, i: number) => (i < named ? 20 / named : h === 'unseen' ? 11 : figureColumns.has(h) ? 8.5 : 7);
  t.setAttribute('columns', JSON.stringify(head.map((h, i) => `${width(h, i)}%`)));
  t.setAttribute('aria-label', label);
  const header = el('vscode-table-header');
  header.setAttribute('slot', 'header');
  for (const h of head) {
    const cell = el('vscode-table-header-cell', undefined, h);
    cell.title = headTitles[h] ?? h;
    header.append(cell);
  }
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  for (const r of rows) {
    const row = el('vscode-table-row');
    for (const cell of r) {
      const c = el('vscode-table-cell');
      if (typeof cell === 'string') c.textContent = cell;
      else c.append(cell);
      row.append(c);
    }
    body.append(row);
  }
  t.append(header, body);
  return t;
}

function counts(r: Row): string[] {
  return [String(r.n), String(r.tp), String(r.fp), String(r.fn), String(r.tn), figure(r.precision), figure(r.recall), figure(r.f1), figure(r.kappa), String(r.unseen)];
}

const countHead = ['n', 'TP', 'FP', 'FN', 'TN', 'prec.', 'recall', 'F1', 'κ', 'unseen'];
const figureColumns = new Set(['prec.', 'recall', 'F1', 'κ']);
const headTitles: Record<string, string> = {
  n: 'Labelled turns the detectors saw',
  TP: 'Flagged, and labelled as violating',
  FP: 'Flagged, but labelled as complying',
  FN: 'Labelled as violating, but not flagged',
  TN: 'Not flagged, and labelled as complying',
  'prec.': 'Precision: of the flagged turns, the share labelled as violating',
  recall: 'Recall: of the turns labelled as violating, the share flagged',
  F1: 'F1: the harmonic mean of precision and recall',
  κ: "Cohen's kappa: agreement beyond chance",
  unseen: 'Labelled turns the judge never saw',
};

function clauseName(r: { constitution: string | null; clause: string | null }): string {
  return r.clause === null ? `any clause of ${r.constitution ?? 'the constitutions'}` : `${r.clause}`;
}

function link(place: Placed, names: AgreementState['names'], text: string): HTMLElement {
  const a = el('a', 'place', text) as HTMLAnchorElement;
  a.href = '#';
  a.title = `Open ${names[place.uri] ?? place.uri} at line ${place.range.start.line + 1}`;
  const target: AgreementPlace = { uri: place.uri, range: place.range };
  a.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'open', place: target });
  });
  return a;
}

function where(place: Placed, names: AgreementState['names']): string {
  const side = place.side ? ` (${place.side})` : '';
  return `${names[place.uri] ?? place.uri}:${place.range.start.line + 1} · conversation ${place.conversation}${side}, turn ${place.turn}`;
}

function render(state: AgreementState): void {
  const { report, names } = state;
  root.replaceChildren();
  const top = el('header', 'top');
  const title = el('h1', undefined, 'Agreement with reviewers');
  const refresh = el('vscode-button', undefined, 'Refresh');
  refresh.setAttribute('secondary', '');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  top.append(title, refresh);
  root.append(top);
  const constitutions = report.constitutions.map((c) => c.name).join(', ');
  root.append(
    el('p', 'meta', `The detectors against ${report.labels} label${report.labels === 1 ? '' : 's'} in ${report.files} file${report.files === 1 ? '' : 's'}, by the clauses of ${constitutions}. Measured ${new Date(state.madeAt).toLocaleString()}.`),
  );
  if (report.labels === 0 && !report.pairs) {
    root.append(
      el('p', 'notice', 'No labels yet. Label a turn with "Agree" or "Disagree" on a flag, "Label turn…" in an assistant turn, or a note such as "violates [[clause]]: why".'),
    );
    return;
  }
  root.append(el('h2', undefined, 'By clause'));
  root.append(table(['clause', ...countHead], report.clauses.map((r) => [clauseName(r), ...counts(r)]), 'Agreement by clause'));
  if (report.rules.length > 0) {
    root.append(el('h2', undefined, 'By rule'));
    root.append(table(['rule', 'clause', ...countHead], report.rules.map((r) => [r.rule ?? '', clauseName(r), ...counts(r)]), 'Agreement by rule', 2));
  }
  if (report.pairs) {
    const p = report.pairs;
    root.append(el('h2', undefined, 'Preference pairs'), el('p', undefined, `${p.pairs} pairs: more flags against “rejected” in ${p.rejectedMore}, against “chosen” in ${p.chosenMore}, as many in ${p.equal}.`));
  }
  root.append(el('h2', undefined, `Disagreements (${report.disagreements.length})`));
  const shown = 500;
  if (report.disagreements.length === 0) root.append(el('p', 'muted', 'The detectors and the reviewers agree on every labelled turn.'));
  else {
    const list = el('ul', 'places');
    for (const d of report.disagreements.slice(0, shown)) {
      const item = el('li');
      const what = d.flagged ? `flagged, but labelled compliant with ${clauseName(d)}` : `labelled as violating ${clauseName(d)}, but not flagged`;
      item.append(link(d.label, names, where(d.label, names)), el('span', d.flagged ? 'fp' : 'fn', ` ${what}`));
      if (d.label.reason) item.append(el('span', 'muted', ` — ${d.label.reason}`));
      list.append(item);
    }
    root.append(list);
    if (report.disagreements.length > shown) root.append(el('p', 'muted', `… and ${report.disagreements.length - shown} more.`));
  }
  if (report.unmatched.length > 0) {
    root.append(el('h2', undefined, `Unmatched labels (${report.unmatched.length})`));
    const list = el('ul', 'places');
    for (const u of report.unmatched.slice(0, shown)) {
      const item = el('li');
      item.append(link(u.label, names, where(u.label, names)), el('span', undefined, ` the label ${u.reason}`));
      list.append(item);
    }
    root.append(list);
    if (report.unmatched.length > shown) root.append(el('p', 'muted', `… and ${report.unmatched.length - shown} more.`));
  }
}

window.addEventListener('message', (event: MessageEvent<ToAgreementView>) => {
  const message = event.data;
  if (message?.type !== 'state' || !isAgreementState(message.state)) return;
  vscode.setState(message.state);
  render(message.state);
});

const saved = vscode.getState();
if (isAgreementState(saved)) render(saved);
vscode.postMessage({ type: 'ready' });
