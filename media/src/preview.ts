/**
 * The reading view's script, inside the webview: a dataset's list of conversations (virtualised,
 * filtered, with the next and previous flagged one) and the conversation shown, its turns in order
 * with Markdown rendered (markdown-it without HTML, so the text cannot bring markup of its own), tool
 * calls, tool results and reasoning collapsible, notes and labels with their turn, and each flag a
 * highlight of its words. Text from files is rendered as text or as that Markdown, never as markup.
 * The document, the entry and the filter are kept with `setState` for a window reload.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import MarkdownIt from 'markdown-it';
import { isPreviewState, noFilter, type FromPreview, type PreviewAction, type PreviewFilter, type PreviewRange, type PreviewState, type ToPreview } from '../../client/src/preview/previewMessages.ts';
import type { BlockView, ConversationRow, ConversationView, EntryView, FlagView, TurnView } from '@lens/protocol';
import { filterChoices, flagCount, keepsRow, markHighlights, nextFlagged, rowAtLine, splitMarks } from './previewView.ts';

interface VsCodeApi {
  postMessage(message: FromPreview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const markdown = new MarkdownIt({ html: false, linkify: false, breaks: true });

/** The height of a row of the list, which the list is virtualised by. */
const rowHeight = 28;
/** How many flags a block can mark: the marks' characters leave room for this many. */
const maxMarks = 0x700;

const saved = vscode.getState();
let filter: PreviewFilter = isPreviewState(saved) ? saved.filter : noFilter;
let uri = isPreviewState(saved) ? saved.uri : '';
let view: EntryView | undefined;
let rows: ConversationRow[] = [];
let shown: ConversationRow[] = [];
let rowsDone = false;
let active = 0;
/** Until when the conversation's scrolling is taken as the echo of the editor's, and not sent back. */
let quietUntil = 0;
/** Whether the entry being opened was asked for by the source's scrolling, which the view then does not echo. */
let following = false;
/** The entry whose row the list is to bring into sight when it arrives. */
let pendingRow: number | undefined;
/** Where the list was scrolled when it was read again, to go back to once the rows are there. */
let pendingScroll: number | undefined;
/** Whether the next list is the answer to a new text filter. */
let searched = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, className?: string, text?: string): HTMLElement;
function el(tag: string, className?: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function post(message: FromPreview): void {
  vscode.postMessage(message);
}

function keep(): void {
  if (!uri) return;
  const state: PreviewState = { uri, entry: view?.entry ?? 0, filter };
  vscode.setState(state);
}

// The page: a heading, the list of a dataset (hidden for one conversation), the conversation, and the hover card.
root.textContent = '';
const heading = el('header', 'top');
const title = el('h1', undefined, 'Preview');
const meta = el('span', 'meta');
heading.append(title, meta);
const listPane = el('section', 'list-pane');
listPane.hidden = true;
listPane.setAttribute('aria-label', 'Conversations');
const filters = el('div', 'filters');
const count = el('span', 'count meta');
const list = el('div', 'list');
list.tabIndex = 0;
list.setAttribute('role', 'listbox');
list.setAttribute('aria-label', 'Conversations of the dataset');
const spacer = el('div', 'spacer');
list.append(spacer);
listPane.append(filters, list);
const conversation = el('section', 'conversation');
conversation.setAttribute('aria-live', 'polite');
const card = el('div', 'card');
card.setAttribute('role', 'tooltip');
card.id = 'flag-card';
card.hidden = true;
root.append(heading, listPane, conversation, card);

// The filters.
const search = document.createElement('vscode-textfield') as HTMLElement & { value: string };
search.setAttribute('placeholder', 'Filter by text');
search.setAttribute('aria-label', 'Filter conversations by text');
search.className = 'search';
search.value = filter.text;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    filter = { ...filter, text: search.value };
    keep();
    searched = true;
    post({ type: 'search', text: search.value });
  }, 300);
});

type Select = HTMLElement & { value: string };
function select(label: string, key: 'clause' | 'rule' | 'severity' | 'label'): Select {
  const s = document.createElement('vscode-single-select') as Select;
  s.setAttribute('aria-label', label);
  s.dataset.filter = key;
  s.addEventListener('change', () => {
    filter = { ...filter, [key]: s.value };
    keep();
    renderList(true);
  });
  return s;
}
function options(s: Select, choices: readonly (readonly [string, string])[], value: string): void {
  const now = [...s.children].map((o) => (o as HTMLElement).getAttribute('value') ?? '');
  if (now.length === choices.length && now.every((v, i) => v === choices[i][0])) return;
  s.textContent = '';
  for (const [v, text] of choices) {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', v);
    o.textContent = text;
    if (v === value) o.setAttribute('selected', '');
    s.append(o);
  }
  s.value = value;
}
const clauseSelect = select('Filter by clause', 'clause');
const ruleSelect = select('Filter by rule', 'rule');
const severitySelect = select('Filter by severity', 'severity');
const labelSelect = select('Filter by label', 'label');
options(severitySelect, [['', 'Any severity'], ['error', 'Errors'], ['warning', 'Warnings or worse'], ['info', 'Information or worse'], ['hint', 'Any flag']], filter.severity);
options(labelSelect, [['', 'Labelled or not'], ['labelled', 'Labelled'], ['unlabelled', 'Not labelled']], filter.label);

function button(text: string, onClick: () => void, hint?: string): HTMLElement {
  const b = el('vscode-button', undefined, text);
  b.setAttribute('secondary', '');
  if (hint) b.title = hint;
  b.addEventListener('click', onClick);
  return b;
}
const previous = button('Previous flagged', () => step(-1), 'The previous conversation with a flag (Alt+Up)');
const next = button('Next flagged', () => step(1), 'The next conversation with a flag (Alt+Down)');
filters.append(search, clauseSelect, ruleSelect, severitySelect, labelSelect, previous, next, count);

function step(direction: 1 | -1): void {
  const entry = nextFlagged(shown, view?.entry ?? -1, direction);
  if (entry !== undefined) openEntry(entry);
}

function openEntry(entry: number): void {
  post({ type: 'openEntry', entry });
}

// The list, virtualised: only the rows in sight (and a few around) are in the page.
function renderList(filterChanged = false): void {
  if (filterChanged) {
    shown = rows.filter((r) => keepsRow(filter, r));
    active = Math.max(0, shown.findIndex((r) => r.entry === view?.entry));
  }
  const choices = filterChoices(rows);
  options(clauseSelect, [['', 'Any clause'], ...choices.clauses.map((c) => [c, c] as const)], filter.clause);
  options(ruleSelect, [['', 'Any rule'], ...choices.rules.map((c) => [c, c] as const)], filter.rule);
  count.textContent = `${shown.length.toLocaleString('en')} of ${rows.length.toLocaleString('en')} conversations${rowsDone ? '' : ' (reading…)'}`;
  spacer.style.height = `${shown.length * rowHeight}px`;
  // The list is as tall as its rows, up to a third of the view; past that it scrolls.
  list.style.height = `${Math.max(1, shown.length) * rowHeight}px`;
  const first = Math.max(0, Math.floor(list.scrollTop / rowHeight) - 5);
  const last = Math.min(shown.length, first + Math.ceil((list.clientHeight || 300) / rowHeight) + 10);
  spacer.textContent = '';
  for (let i = first; i < last; i++) spacer.append(rowElement(shown[i], i));
  list.setAttribute('aria-activedescendant', shown[active] ? `row-${shown[active].entry}` : '');
}

function rowElement(r: ConversationRow, i: number): HTMLElement {
  const item = el('div', 'row');
  item.id = `row-${r.entry}`;
  item.setAttribute('role', 'option');
  item.setAttribute('aria-selected', String(r.entry === view?.entry));
  if (r.entry === view?.entry) item.classList.add('current');
  if (i === active) item.classList.add('active');
  item.style.top = `${i * rowHeight}px`;
  item.append(el('span', 'entry', `#${r.entry}`), el('span', 'title', r.title || '(no text)'));
  const badges = el('span', 'badges');
  for (const s of ['error', 'warning', 'info', 'hint'] as const) {
    if (r.flags[s] === 0) continue;
    const b = el('span', `sev sev-${s}`, `${r.flags[s]}`);
    b.title = `${r.flags[s]} ${s === 'info' ? 'information' : s}${r.flags[s] === 1 ? '' : 's'}`;
    badges.append(b);
  }
  if (r.labelled) badges.append(el('span', 'tag', 'labelled'));
  item.append(badges);
  item.title = `${r.title}\n${flagCount(r)} flag${flagCount(r) === 1 ? '' : 's'}${r.clauses.length ? `: ${r.clauses.join(', ')}` : ''}`;
  item.addEventListener('click', () => {
    active = i;
    openEntry(r.entry);
  });
  return item;
}

/** Scrolls the list so that the row of `entry` is in sight, when the filter keeps it. */
function showRow(entry: number): void {
  const i = shown.findIndex((r) => r.entry === entry);
  // A row not read yet is shown once it arrives.
  pendingRow = i < 0 && !rowsDone ? entry : undefined;
  if (i < 0) return;
  active = i;
  const top = i * rowHeight;
  if (top < list.scrollTop || top + rowHeight > list.scrollTop + list.clientHeight) list.scrollTop = Math.max(0, top - list.clientHeight / 3);
  renderList();
}

list.addEventListener('scroll', () => requestAnimationFrame(() => renderList()));
list.addEventListener('keydown', (e) => {
  if (shown.length === 0) return;
  const move = (to: number) => {
    active = Math.max(0, Math.min(shown.length - 1, to));
    const top = active * rowHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + rowHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + rowHeight - list.clientHeight;
    renderList();
  };
  if (e.key === 'ArrowDown' && e.altKey) step(1);
  else if (e.key === 'ArrowUp' && e.altKey) step(-1);
  else if (e.key === 'ArrowDown') move(active + 1);
  else if (e.key === 'ArrowUp') move(active - 1);
  else if (e.key === 'PageDown') move(active + Math.floor(list.clientHeight / rowHeight));
  else if (e.key === 'PageUp') move(active - Math.floor(list.clientHeight / rowHeight));
  else if (e.key === 'Home') move(0);
  else if (e.key === 'End') move(shown.length - 1);
  else if ((e.key === 'Enter' || e.key === ' ') && shown[active]) openEntry(shown[active].entry);
  else return;
  e.preventDefault();
});

// The conversation.
const roleNames: Record<string, string> = { system: 'System', developer: 'Developer', user: 'User', assistant: 'Assistant', tool: 'Tool' };
const kindNames: Record<string, string> = { tool_call: 'Tool call', tool_result: 'Tool result', reasoning: 'Reasoning', other: 'Content' };

function renderEntry(name: string, v: EntryView): void {
  const previousEntry = view?.entry;
  const scrolled = conversation.scrollTop;
  view = v;
  uri = v.uri;
  keep();
  title.textContent = name;
  const conversations = v.dataset ? ` · conversation ${v.entry}` : '';
  meta.textContent = `${v.format}${conversations}`;
  listPane.hidden = !v.dataset;
  document.body.classList.toggle('dataset', v.dataset);
  conversation.textContent = '';
  if (v.problem) conversation.append(el('p', 'notice', v.problem));
  for (const c of v.conversations) conversation.append(conversationElement(c, v.conversations.length > 1));
  // An edit of the source keeps the place; another entry starts at its top.
  if (following || previousEntry !== v.entry) quietUntil = Date.now() + 400;
  // An entry chosen in the list brings the source to it; one the source scrolled to is there already.
  if (!following && previousEntry !== undefined && previousEntry !== v.entry && v.conversations[0]) {
    const start = v.conversations[0].range.start;
    post({ type: 'reveal', range: { start, end: start }, select: false });
  }
  following = false;
  conversation.scrollTop = previousEntry === v.entry ? scrolled : 0;
  if (v.dataset) {
    renderList(true);
    showRow(v.entry);
  }
}

function conversationElement(c: ConversationView, several: boolean): HTMLElement {
  const article = el('article', 'conv');
  const parts = [c.title, c.id ? `id ${c.id}` : undefined, c.side, several ? undefined : undefined].filter((p): p is string => !!p);
  if (parts.length > 0 || several) article.append(el('h2', undefined, parts.length > 0 ? parts.join(' · ') : `Conversation ${c.index}`));
  if (c.judge) {
    const judge = el('details', 'judge');
    judge.append(el('summary', undefined, 'What the judge said'), el('pre', undefined, c.judge));
    article.append(judge);
  }
  // The system prompt first, as the model read it; every other turn in the file's order.
  const turns = [...c.turns].sort((a, b) => Number(b.role === 'system') - Number(a.role === 'system'));
  for (const t of turns) article.append(turnElement(c, t));
  return article;
}

function turnElement(c: ConversationView, t: TurnView): HTMLElement {
  const section = el('section', `turn role-${t.role}`);
  section.id = `turn-${c.index}-${t.index}-${c.side ?? ''}`;
  section.dataset.conversation = String(c.index);
  section.dataset.turn = String(t.index);
  section.tabIndex = -1;
  section.setAttribute('aria-label', `Turn ${t.index}, ${roleNames[t.role] ?? t.roleLabel}`);
  const head = el('header', 'turn-head');
  const role = el('a', 'role', roleNames[t.role] ?? t.roleLabel);
  role.href = '#';
  role.title = t.roleLabel && t.roleLabel.toLowerCase() !== t.role ? `Written “${t.roleLabel}”; show this turn in the source` : 'Show this turn in the source';
  role.addEventListener('click', (e) => {
    e.preventDefault();
    post({ type: 'reveal', range: t.range, select: false });
  });
  head.append(role, el('span', 'place', `turn ${t.index}`));
  if (c.targetTurn === t.index) head.append(el('span', 'tag', 'judged turn'));
  const actions = el('span', 'actions');
  const act = (action: PreviewAction, flag?: FlagView) => post({ type: 'act', action, conversation: c.index, turn: t.index, range: t.range, ...(flag ? { flag: { rule: flag.rule, cite: flag.cite } } : {}) });
  if (t.role === 'assistant') {
    actions.append(button('Critique Turn', () => act('critique')), button('Label turn…', () => act('label')));
  }
  actions.append(button('Cite a clause…', () => act('cite')));
  head.append(actions);
  section.append(head);

  t.blocks.forEach((b, i) => section.append(blockElement(t, b, i)));

  if (t.flags.length > 0) {
    const flags = el('ul', 'flags');
    flags.setAttribute('aria-label', 'Flags');
    t.flags.forEach((f) => {
      const item = el('li', `flag-line sev-${f.severity}${f.reviewed ? ' reviewed' : ''}`);
      const clause = el('a', 'clause', f.clauseTitle ?? f.clause);
      clause.href = '#';
      clause.title = 'Open the clause';
      clause.addEventListener('click', (e) => {
        e.preventDefault();
        if (f.clauseRange) post({ type: 'openClause', uri: f.constitutionUri, range: f.clauseRange });
      });
      item.append(el('span', `sev sev-${f.severity}`, f.severity), clause, el('code', undefined, `${f.constitution}#${f.clause}`), el('span', 'message', f.reviewed ? `reviewed: ${f.reviewed}` : f.message));
      const buttons = el('span', 'actions');
      if (!f.reviewed) {
        buttons.append(
          button('Agree', () => act('agree', f), `Label the turn: violates ${f.cite}`),
          button('Disagree', () => act('disagree', f), `Label the turn: complies with ${f.cite}`),
          button('Mark reviewed…', () => act('review', f), 'Record the flag as reviewed, with a reason, in a note'),
        );
      }
      item.append(buttons);
      flags.append(item);
    });
    section.append(flags);
  }
  for (const n of t.notes) {
    const note = el('div', 'note');
    note.append(el('span', 'note-head', 'Note'));
    const body = el('span', 'note-text');
    // The citations stand out in the note's text; each is a link to its place in the source.
    let from = 0;
    const text = n.text;
    for (const ct of n.citations) {
      const written = ct.constitution ? `[[${ct.constitution}#${ct.id}]]` : `[[${ct.id}]]`;
      const at = text.indexOf(written, from);
      if (at < 0) continue;
      body.append(text.slice(from, at));
      const link = el('a', ct.title ? 'citation' : 'citation unknown', written);
      link.href = '#';
      link.title = ct.title ?? 'No clause in use has this id';
      link.addEventListener('click', (e) => {
        e.preventDefault();
        post({ type: 'reveal', range: ct.range, select: true });
      });
      body.append(link);
      from = at + written.length;
    }
    body.append(text.slice(from));
    note.append(body);
    section.append(note);
  }
  if (t.labels.length > 0) {
    const labels = el('div', 'labels');
    for (const l of t.labels) {
      const what = l.source === 'review' ? `reviewed ${l.rule ?? ''}` : `${l.verdict === 'violates' ? 'violates' : 'complies with'} ${l.clause ?? 'no clause named'}${l.rule ? ` · ${l.rule}` : ''}`;
      const tag = el('span', `label ${l.verdict}`, l.reason ? `${what}: ${l.reason}` : what);
      tag.title = l.source === 'record' ? "The record's label" : 'A label in a note';
      labels.append(tag);
    }
    section.append(labels);
  }
  return section;
}

function blockElement(t: TurnView, b: BlockView, i: number): HTMLElement {
  const marks = t.flags.map((f, flag) => ({ flag, start: f.start, end: f.end, block: f.block })).filter((m) => m.block === i && m.flag < maxMarks);
  const text = markHighlights(b.text, marks);
  const body = el('div', b.kind === 'message' ? 'markdown' : 'raw');
  if (b.kind === 'message') body.innerHTML = markdown.render(text);
  else body.append(el('pre', undefined, text));
  if (marks.length > 0) highlight(body, t);
  if (b.kind === 'message') return body;
  const details = el('details', `block kind-${b.kind}`);
  // Reasoning and tool traffic stay folded unless a flag is in them.
  details.open = marks.length > 0;
  details.append(el('summary', undefined, `${kindNames[b.kind] ?? b.type}${b.name ? `: ${b.name}` : ''}`), body);
  return details;
}

/** Turns the marks in a rendered block's text nodes into highlights of the turn's flags. */
function highlight(container: HTMLElement, t: TurnView): void {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  let open: number[] = [];
  for (const node of nodes) {
    const split = splitMarks(node.data, open);
    open = split.open;
    if (split.pieces.length === 1 && split.pieces[0].flags.length === 0 && split.pieces[0].text === node.data) continue;
    const fragment = document.createDocumentFragment();
    for (const piece of split.pieces) {
      if (piece.flags.length === 0) {
        fragment.append(piece.text);
        continue;
      }
      const flag = t.flags[piece.flags[piece.flags.length - 1]];
      const mark = el('mark', `flag sev-${flag.severity}${flag.reviewed ? ' reviewed' : ''}`, piece.text);
      mark.tabIndex = 0;
      mark.setAttribute('aria-describedby', card.id);
      mark.dataset.flags = piece.flags.join(' ');
      wireMark(mark, piece.flags.map((f) => t.flags[f]));
      fragment.append(mark);
    }
    node.replaceWith(fragment);
  }
}

function wireMark(mark: HTMLElement, flags: FlagView[]): void {
  const show = () => showCard(mark, flags);
  mark.addEventListener('mouseenter', show);
  mark.addEventListener('focus', show);
  mark.addEventListener('mouseleave', hideCard);
  mark.addEventListener('blur', hideCard);
  const open = (e: MouseEvent | KeyboardEvent) => {
    const f = flags[0];
    // With a modifier, the clause; otherwise the flagged words, selected in the source.
    if ((e.ctrlKey || e.metaKey || e.altKey) && f.clauseRange) post({ type: 'openClause', uri: f.constitutionUri, range: f.clauseRange });
    else post({ type: 'reveal', range: f.range, select: true });
  };
  mark.addEventListener('click', open);
  mark.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') open(e);
  });
}

function showCard(mark: HTMLElement, flags: FlagView[]): void {
  card.textContent = '';
  for (const f of flags) {
    const part = el('div', 'card-flag');
    part.append(el('strong', undefined, f.clauseTitle ?? f.clause), ' ', el('code', undefined, `${f.constitution}#${f.clause}`));
    const facts = [capital(f.severity), `rule ${f.rule}`];
    if (f.clauseOrder) facts.push(`clause ${f.clauseOrder} of ${f.clauseCount} in ${f.constitution}`);
    part.append(el('div', 'meta', facts.join(' · ')));
    if (f.standing) part.append(el('div', undefined, f.standing));
    part.append(el('div', 'card-message', f.reviewed ? `Reviewed: ${f.reviewed}` : f.message));
    card.append(part);
  }
  card.append(el('div', 'meta hint', 'Click to select the words in the source; Ctrl+click to open the clause.'));
  card.hidden = false;
  const r = mark.getBoundingClientRect();
  const width = Math.min(420, window.innerWidth - 16);
  card.style.width = `${width}px`;
  card.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - width - 8))}px`;
  const below = r.bottom + 6;
  card.style.top = `${below + card.offsetHeight > window.innerHeight ? Math.max(8, r.top - card.offsetHeight - 6) : below}px`;
}

function hideCard(): void {
  card.hidden = true;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// Scrolling together: the view tells the source which turn is at its top, and shows the turn the source is at.
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
conversation.addEventListener('scroll', () => {
  hideCard();
  if (Date.now() < quietUntil) return;
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => {
    const top = conversation.getBoundingClientRect().top;
    const turns = [...conversation.querySelectorAll<HTMLElement>('section.turn')];
    const first = turns.find((s) => s.getBoundingClientRect().bottom > top + 4);
    const t = first && turnOf(first);
    if (t) post({ type: 'reveal', range: t.range, select: false });
  }, 120);
});

/** Shows what is at `line` of the source: a turn of the entry shown, or in a dataset the entry that starts there. */
function followSource(line: number): void {
  if (!view) return;
  const within = view.conversations.some((c) => c.range.start.line <= line && line <= c.range.end.line);
  if (!within && view.dataset) {
    const r = rowAtLine(rows, line);
    if (r && r.entry !== view.entry) {
      following = true;
      openEntry(r.entry);
    }
    return;
  }
  let target: HTMLElement | undefined;
  for (const section of conversation.querySelectorAll<HTMLElement>('section.turn')) {
    const t = turnOf(section);
    if (t && (t.range.start.line <= line || !target)) target = section;
  }
  if (!target) return;
  quietUntil = Date.now() + 400;
  conversation.scrollTop += target.getBoundingClientRect().top - conversation.getBoundingClientRect().top;
}

function turnOf(section: HTMLElement): TurnView | undefined {
  const c = view?.conversations.find((x) => String(x.index) === section.dataset.conversation && section.id.endsWith(`-${x.side ?? ''}`));
  return c?.turns.find((t) => String(t.index) === section.dataset.turn);
}

window.addEventListener('message', (event: MessageEvent<ToPreview>) => {
  const message = event.data;
  switch (message.type) {
    case 'entry':
      renderEntry(message.name, message.view);
      return;
    case 'rows':
      if (message.reset) {
        // A new search starts at the top; the same list read again (after an edit) keeps its place.
        pendingScroll = searched ? 0 : list.scrollTop;
        searched = false;
        rows = [];
      }
      rows.push(...message.page.rows);
      rowsDone = message.done;
      renderList(true);
      if (pendingScroll !== undefined && (rowsDone || shown.length * rowHeight >= pendingScroll + list.clientHeight)) {
        list.scrollTop = pendingScroll;
        pendingScroll = undefined;
        renderList();
      }
      if (pendingRow !== undefined) showRow(pendingRow);
      return;
    case 'sourceAt':
      followSource(message.line);
      return;
    case 'problem':
      conversation.textContent = '';
      conversation.append(el('p', 'notice', message.message));
      return;
  }
});

post({ type: 'ready' });
// A text filter kept across a reload is the server's to apply again.
if (filter.text) post({ type: 'search', text: filter.text });
