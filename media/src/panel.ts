/**
 * The critique panel's script, inside the webview. It renders the state the extension sends, keeps a
 * copy with `setState` for a window reload, and sends the user's actions back as typed messages.
 * Model text is Markdown rendered without HTML and then sanitised, so nothing it says becomes markup.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { isPanelState, PanelAction, type DiffSegment, type FromWebview, type PanelState, type ToWebview } from '../../client/src/webviewMessages.ts';
import { diffSides, groupFindings, statusLine, usageSummary } from './view.ts';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });
const root = document.getElementById('root')!;
const saved = vscode.getState();
let state: PanelState | undefined = isPanelState(saved) ? saved : undefined;

function send(message: FromWebview): void {
  vscode.postMessage(message);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, className: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', className, label);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function markdownBlock(text: string, className: string): HTMLElement {
  const node = el('div', `markdown ${className}`);
  node.innerHTML = DOMPurify.sanitize(markdown.render(text), { USE_PROFILES: { html: true } });
  return node;
}

function diffText(segments: readonly DiffSegment[], className: string): HTMLElement {
  const pre = el('pre', `diff ${className}`);
  for (const s of segments) pre.append(s.kind === 'same' ? document.createTextNode(s.text) : el(s.kind === 'added' ? 'ins' : 'del', undefined, s.text));
  return pre;
}

function render(): void {
  root.replaceChildren();
  if (!state) {
    root.append(el('p', 'muted', 'Run “Critique Turn” with the cursor in a turn to see its critique here.'));
    return;
  }
  const s = state;
  const header = el('header');
  header.append(el('h1', undefined, s.subject));
  header.append(el('p', 'meta', `${usageSummary(s)} · against ${s.constitutionName}`));
  header.append(el('p', `status status-${s.phase}`, statusLine(s)));
  root.append(header);

  if (s.phase === 'streaming') {
    root.append(button('Cancel', 'secondary', () => send({ type: 'cancel' })));
    const progress = el('pre', 'progress', tail(s.progressText));
    progress.id = 'progress';
    root.append(progress);
  }
  if (s.error) {
    const box = el('div', 'error');
    box.setAttribute('role', 'alert');
    box.append(el('p', undefined, s.error.message));
    if (s.error.action === PanelAction.setApiKey) box.append(button('Set API Key', 'primary', () => send({ type: 'action', action: PanelAction.setApiKey })));
    if (s.error.action === PanelAction.rerun) box.append(button('Re-run', 'primary', () => send({ type: 'action', action: PanelAction.rerun })));
    root.append(box);
  }
  if (s.notice) root.append(el('p', 'notice', s.notice));

  const groups = groupFindings(s.findings);
  if (groups.length > 0) {
    const section = el('section', 'findings');
    section.append(el('h2', undefined, 'Findings'));
    for (const g of groups) {
      const principle = el('div', 'principle');
      const heading = el('h3');
      heading.append(button(g.principle, 'link clause', () => send({ type: 'openClause', principle: g.principle }), 'Open the clause'));
      if (g.title) heading.append(el('span', 'title', ` ${g.title}`));
      principle.append(heading);
      for (const { index, finding } of g.findings) {
        const item = el('div', `finding severity-${finding.severity}`);
        const line = el('p', 'quote-line');
        line.append(el('span', `badge badge-${finding.severity}`, finding.severity));
        line.append(button(`“${finding.quote}”`, 'link quote', () => send({ type: 'revealQuote', index }), 'Select these words in the transcript'));
        item.append(line, markdownBlock(finding.critique, 'critique'));
        principle.append(item);
      }
      section.append(principle);
    }
    root.append(section);
  }
  if (s.dropped.length > 0) {
    const details = el('details', 'dropped');
    details.append(el('summary', undefined, `${s.dropped.length} finding${s.dropped.length === 1 ? '' : 's'} not placed in the turn (not underlined)`));
    const list = el('ul');
    for (const d of s.dropped) list.append(el('li', undefined, `${d.principle}: “${d.quote}” — ${d.reason}`));
    details.append(list);
    root.append(details);
  }
  if (s.revision !== undefined) {
    const section = el('section', 'revision');
    section.append(el('h2', undefined, 'Revision'));
    const sides = diffSides(s.diff ?? [{ kind: 'same', text: s.revision }]);
    const columns = el('div', 'columns');
    const left = el('div', 'column');
    left.append(el('h4', undefined, 'Original'), diffText(sides.original, 'original'));
    const right = el('div', 'column');
    right.append(el('h4', undefined, 'Revision'), diffText(sides.revision, 'revised'));
    columns.append(left, right);
    section.append(columns);
    const actions = el('div', 'actions');
    const apply = button('Apply Revision', 'primary', () => send({ type: 'applyRevision' }), 'Replace the turn’s text with the revision (one undo step)');
    apply.disabled = s.phase !== 'done';
    actions.append(apply, button('Copy', 'secondary', () => send({ type: 'copyRevision' })), button('Re-run', 'secondary', () => send({ type: 'rerun' })));
    section.append(actions);
    root.append(section);
  } else if (s.phase !== 'streaming') {
    const actions = el('div', 'actions');
    actions.append(button('Re-run', 'secondary', () => send({ type: 'rerun' })));
    root.append(actions);
  }
}

/** The end of the streamed text: enough to show progress without re-laying out a long answer. */
function tail(text: string): string {
  return text.length > 4000 ? `…${text.slice(-4000)}` : text;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'state') {
    state = message.state;
    vscode.setState(state);
    render();
  } else if (message.type === 'progress' && state && message.runId === state.runId) {
    state = { ...state, progressText: state.progressText + message.delta };
    const progress = document.getElementById('progress');
    if (progress) progress.textContent = tail(state.progressText);
    vscode.setState(state);
  }
});

render();
send({ type: 'ready' });
