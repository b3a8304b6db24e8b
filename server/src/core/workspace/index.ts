/**
 * The workspace index: every constitution and transcript the server knows, from the editor or from
 * disk, with models parsed lazily and cached per version (the `languageModelCache` pattern), a map
 * of clause ids per constitution, an index of citations per clause, and the detectors' findings
 * cached per transcript version and ruleset. Features are plain functions over it.
 *
 * Open documents win over disk: a disk update of a file that is open is kept aside and takes over
 * only when the document is closed.
 */
import type { Clause, Constitution } from '../constitution/model.ts';
import { isConstitutionFileName, parseConstitution } from '../constitution/parse.ts';
import { checkTranscript, compileRuleset, exampleProblems, runExamples, type Ruleset } from '../detectors/index.ts';
import type { Finding, LoadedConstitution, ModelFileRead } from '../detectors/types.ts';
import { problem, type Problem } from '../problem.ts';
import { LineText } from '../lineText.ts';
import { LineIndex, type Range, type Span } from '../text.ts';
import type { Citation, Transcript } from '../transcript/model.ts';
import { isClaudeCodeSession, isJsonlFileName, looksLikeTranscript, parseTranscript } from '../transcript/parse.ts';
import { isEvalSampleUri, readEvalSample } from '../transcript/evalLog.ts';
import { clauseTables, resolveCitationIn, type CitationResolution, type ClauseRef, type ClauseTables } from './clauseTables.ts';

export type { CitationResolution, ClauseRef } from './clauseTables.ts';
import { JsonlLines, placeCitation, placeFinding, placeProblem } from './jsonlLines.ts';
import { citationsOf, nonBlankLines, reportOfLine, type LineReport, type StreamedLine } from './lineReport.ts';
import { isBlankLine, parseJsonlLine } from '../transcript/jsonl.ts';
import { applyPacks, type LoadedPack, type PackUse } from '../packs/apply.ts';
import { detectorDeclarations, isPackFileName, parsePack, recognisesText, type CopySource, type RulePack } from '../packs/pack.ts';
import type { RulesetProblem } from '../detectors/types.ts';

export type FileKind = 'constitution' | 'transcript' | 'pack';

/** How much of a file's start decides what it is. */
const headLength = 64 * 1024;

/** Where a text came from: the editor's open document, or the file on disk. */
export type TextSource = 'open' | 'disk';

/** An edit as the editor reports it; the index accepts it so that large files may re-parse in part. */
export interface TextChange {
  readonly range?: Range;
  readonly text: string;
}

/**
 * One file of the workspace. Its model is parsed on first use and kept until the text changes.
 * `text` may join a large document's lines on first use after an edit; features that need a part
 * of it read that part with `slice`.
 */
export interface IndexedFile {
  readonly uri: string;
  readonly kind: FileKind;
  readonly text: string;
  /** The text's length in UTF-16 units. */
  readonly length: number;
  /** `[start, end)` of the text, without joining a large document's lines. */
  slice(start: number, end?: number): string;
  readonly version: number;
  readonly lines: LineIndex;
  readonly constitution?: Constitution;
  readonly transcript?: Transcript;
  readonly pack?: RulePack;
}

/** A citation in a transcript, with the turn whose note holds it. */
export interface CitationRef {
  readonly uri: string;
  readonly citation: Citation;
  readonly conversation: number;
  readonly turn: number;
}

/** Where a finding is: its transcript, span, conversation and turn. */
export interface FindingRef {
  readonly uri: string;
  readonly span: Span;
  readonly conversation: number;
  readonly turn: number;
}

export interface WorkspaceIndexOptions {
  /** The constitution used when the workspace has none (shipped with the extension). */
  readonly starter?: { readonly uri: string; readonly text: string };
  /** Files that are constitutions beyond the `*.constitution.*` convention (settings globs). */
  readonly isConstitution?: (uri: string) => boolean;
  /** Rule packs shipped with the extension; they apply to the constitutions they recognise. */
  readonly bundledPacks?: readonly { readonly uri: string; readonly text: string }[];
  /** Calls that let tests and benches watch the incremental work on JSONL transcripts; see `JsonlLinesHooks`. */
  readonly hooks?: WorkspaceIndexHooks;
  /**
   * The model files of a constitution's learned detectors, read by the caller (the core reads no
   * files); without it, learned detectors report their models missing.
   */
  readonly models?: (uri: string, constitution: Constitution) => Readonly<Record<string, ModelFileRead>> | undefined;
  /**
   * Reads a file of the workspace again, as the caller reads files (the core reads none). With it, a
   * transcript put in the index from disk is not kept whole: the index keeps what the workspace asks
   * of every file (its lines' places, its citations, whether it holds a transcript, its parse
   * problems) and reads the file again when a feature needs more (its diagnostics, its findings).
   */
  readonly reader?: FileReader;
}

/** See {@link WorkspaceIndexOptions.reader}. */
export interface FileReader {
  /** Whether `uri` can be read again (a file on disk; not a view the server made). */
  canRead(uri: string): boolean;
  /** The file's text now, or undefined when it can no longer be read. */
  read(uri: string): string | undefined;
  /** The file's lines now, split at `\n` (a `\r` before it left on the line), read as they are asked for. */
  lines(uri: string): Iterable<string> | undefined;
}

export interface WorkspaceIndexHooks {
  /** A physical line (0-based) of a JSONL transcript was parsed. */
  onParseLine?(uri: string, line: number): void;
  /** The conversations of a JSONL line (by their index) were checked against a ruleset. */
  onCheckLine?(uri: string, index: number): void;
}

/** The lookup tables of one set of constitutions, with their rule packs applied, rebuilt when any of them changes. */
interface IndexTables extends ClauseTables {
  /** Problems of the rule packs, at their places. */
  readonly packProblems: RulesetProblem[];
  readonly packUses: PackUse[];
}

export class WorkspaceIndex {
  readonly #open = new Map<string, FileEntry>();
  readonly #disk = new Map<string, FileEntry>();
  readonly #options: WorkspaceIndexOptions;
  #starter: FileEntry | undefined;
  /** Bumped on every change; whole-workspace tables are rebuilt when it moves. */
  #generation = 0;
  /** Bumped when a constitution changes; the clause tables and the ruleset depend on it alone. */
  #constitutionGeneration = 0;
  #autoVersion = 0;
  #tables: { generation: number; tables: IndexTables } | undefined;
  #ruleset: { generation: number; ruleset: Ruleset } | undefined;
  #exampleFailures: { ruleset: Ruleset; problems: readonly RulesetProblem[] } | undefined;
  #citationIndex: { generation: number; byClause: Map<string, CitationRef[]> } | undefined;
  #findingIndex: { generation: number; ruleset: Ruleset; byClause: Map<string, FindingRef[]> } | undefined;
  #bundledPacks: RulePack[] | undefined;
  /** The one file read again whose text and models are kept, while features work on it; see {@link FileEntry}. */
  readonly #lastRead: LastRead = {};
  #disabledPacks: ReadonlySet<string> = new Set();
  #copies: CopySource | undefined;

  constructor(options: WorkspaceIndexOptions = {}) {
    this.#options = options;
    if (options.starter) {
      this.#starter = new FileEntry(options.starter.uri, 'constitution', options.starter.text, 0, options.hooks);
    }
  }

  /**
   * What a file is by its name (and, for a plain `.txt`, its content), or undefined when the index
   * does not keep it. A Markdown or JSON file that a shipped pack recognises by its top is a
   * constitution whatever its name, even with that pack turned off.
   */
  kindOf(uri: string, text = ''): FileKind | undefined {
    const name = baseName(uri);
    if (isPackFileName(name)) return 'pack';
    if (this.#options.isConstitution?.(uri) || isConstitutionFileName(name)) return 'constitution';
    if (/\.(?:md|markdown|json)$/i.test(name) && text && this.bundledPacks().some((p) => recognisesText(p, text))) return 'constitution';
    if (looksLikeTranscript(name, text)) return 'transcript';
    return undefined;
  }

  /** Moves on every change to the workspace's files; what is derived from all of them is good while it stays. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether this is the starter constitution shipped with the extension. */
  isStarter(uri: string): boolean {
    return this.#starter?.uri === uri;
  }

  /**
   * Puts a file's text in the index. An open document's text wins over the disk's: a disk update of
   * an open file is kept for when the document closes. Returns false for files the index does not keep.
   *
   * A JSONL transcript is updated line by line when its new text is a {@link LineText} edited from
   * the one the index holds (as the server's open documents keep them), or when the editor's
   * `changes` (ranges in the previous version, applied in order) come with a string: only the edited
   * lines are parsed and checked again, and the other lines' results are moved to their new places
   * when read. The whole text of a {@link LineText} is joined only when a feature asks for it.
   */
  upsert(uri: string, text: string | LineText, version?: number, source: TextSource = 'open', changes?: readonly TextChange[]): boolean {
    const kind = this.kindOf(uri, typeof text === 'string' ? text : text.slice(0, headLength));
    if (!kind) return false;
    const store = source === 'open' ? this.#open : this.#disk;
    const previous = store.get(uri);
    if (previous && previous.kind === kind && (version === undefined || previous.version === version) && previous.holds(text)) {
      return true;
    }
    const next = version ?? ++this.#autoVersion;
    let content = text;
    if (typeof text === 'string' && changes?.length && previous?.kind === kind) {
      // The changes applied to the text the index holds must give the editor's text; then the lines
      // of the result follow from the previous ones.
      const applied = previous.content.applyChanges(changes);
      if (applied.length === text.length && applied.text === text) content = applied;
    }
    const edited = typeof content !== 'string' && previous?.kind === kind ? previous.edited(content, next) : undefined;
    const entry = edited ?? new FileEntry(uri, kind, content, next, this.#options.hooks, undefined, this.#readAgain(uri, kind, source));
    store.set(uri, entry);
    if (source === 'open' || !this.#open.has(uri)) this.#changed(kind, previous?.kind);
    return true;
  }

  /**
   * Puts a JSONL dataset on disk in the index without reading it whole: its lines are read once
   * through the reader, for their places and for what makes the file a dataset read line by line
   * (a `.jsonl` name, a first line of JSON and a second line, no NUL). Returns false, having changed
   * nothing, when the file is not that (another kind of file, a Claude Code session, a file that is
   * JSONL only by its whole content, a file that is not text): the caller then reads it whole.
   */
  upsertFromReader(uri: string): boolean {
    const reader = this.#options.reader;
    const name = baseName(uri);
    if (!reader?.canRead(uri) || !isJsonlFileName(name.toLowerCase())) return false;
    let read: { length: number; starts: number[]; head: string } | undefined;
    try {
      read = readLineStarts(reader.lines(uri));
    } catch {
      return false;
    }
    if (!read || this.kindOf(uri, read.head) !== 'transcript' || isClaudeCodeSession(read.head)) return false;
    const lineIndex = new LineIndex({ length: read.length, charCodeAt: () => 0 }, read.starts);
    const previous = this.#disk.get(uri);
    const entry = new FileEntry(uri, 'transcript', { length: read.length, lineIndex }, ++this.#autoVersion, this.#options.hooks, undefined, this.#readAgain(uri, 'transcript', 'disk'), true);
    this.#disk.set(uri, entry);
    if (!this.#open.has(uri)) this.#changed('transcript', previous?.kind);
    return true;
  }

  /** Forgets a file: only its disk text when `source` is `disk` (an open document stays), else both. */
  remove(uri: string, source?: TextSource): void {
    const before = this.get(uri);
    if (source !== 'open') this.#disk.delete(uri);
    if (source !== 'disk') this.#open.delete(uri);
    if (before && before !== this.get(uri)) this.#changed(before.kind);
  }

  /** The editor closed a document: the index falls back to the disk text, if it has one. */
  close(uri: string): void {
    this.remove(uri, 'open');
  }

  /** Re-decides what every file is, after the settings that say which files are constitutions changed. */
  reclassify(): void {
    for (const store of [this.#open, this.#disk]) {
      for (const [uri, entry] of store) {
        const kind = this.kindOf(uri, entry.content.slice(0, headLength));
        if (!kind) store.delete(uri);
        else if (kind !== entry.kind) {
          store.set(uri, new FileEntry(uri, kind, entry.content, entry.version, this.#options.hooks, undefined, this.#readAgain(uri, kind, store === this.#disk ? 'disk' : 'open')));
        }
      }
    }
    this.#changed('constitution');
  }

  get(uri: string): IndexedFile | undefined {
    return this.#entry(uri);
  }

  /** Every file of the workspace (open documents over disk), without the starter constitution. */
  files(): IndexedFile[] {
    const out: IndexedFile[] = [...this.#open.values()];
    for (const [uri, entry] of this.#disk) if (!this.#open.has(uri)) out.push(entry);
    return out;
  }

  /** The workspace's constitutions, or the starter constitution when there are none. */
  constitutions(): LoadedConstitution[] {
    return this.#clauseTables().loaded;
  }

  /** Turns the named rule packs off (the `constitutionLens.packs` setting), or back on. */
  setDisabledPacks(names: ReadonlySet<string>): void {
    const same = names.size === this.#disabledPacks.size && [...names].every((n) => this.#disabledPacks.has(n));
    if (same) return;
    this.#disabledPacks = new Set(names);
    this.#changed('constitution');
  }

  /** The rule packs shipped with the extension, parsed once. */
  bundledPacks(): readonly RulePack[] {
    return (this.#bundledPacks ??= (this.#options.bundledPacks ?? []).map((p) => parsePack(p.text, p.uri, this.#copySource())));
  }

  /** Which packs apply to which constitutions. */
  packUses(): readonly PackUse[] {
    return this.#clauseTables().packUses;
  }

  /** The problems of a rule pack (its own, those of its detectors, and its failing examples' places are the caller's). */
  packProblems(uri: string): RulesetProblem[] {
    return this.#clauseTables().packProblems.filter((p) => p.uri === uri);
  }

  /** The ids of the starter's detectors, which a pack may copy. */
  copyableDetectors(): string[] {
    return [...this.#copySource().keys()];
  }

  /** The starter's detector declarations by id, which packs may copy. */
  #copySource(): CopySource {
    if (!this.#copies) {
      const starter = this.#starter?.constitution;
      this.#copies = starter ? detectorDeclarations(starter.clauses.flatMap((c) => c.rules)) : new Map();
    }
    return this.#copies;
  }

  /** A model file of a learned detector changed on disk: the constitutions are read again with it. */
  modelsChanged(): void {
    this.#generation++;
    this.#constitutionGeneration++;
  }

  /** The detectors of every constitution, compiled once per set of constitution versions. */
  ruleset(): Ruleset {
    if (this.#ruleset?.generation !== this.#constitutionGeneration) {
      this.#ruleset = { generation: this.#constitutionGeneration, ruleset: compileRuleset(this.constitutions()) };
    }
    return this.#ruleset.ruleset;
  }

  /**
   * The lines of a JSONL transcript that the index reads again from disk, streamed from the file;
   * undefined for every other file. A feature that walks a file line by line reads it so, in the
   * memory of a line; see {@link lineReport}.
   */
  streamedLines(uri: string): Iterable<StreamedLine> | undefined {
    const entry = this.#entry(uri);
    if (!entry?.streamsLines) return undefined;
    const lines = this.#options.reader?.lines(uri);
    return lines ? nonBlankLines(lines) : [];
  }

  /** The failures of the detectors' examples, run as tests once per ruleset: problems at the examples. */
  exampleFailures(): readonly RulesetProblem[] {
    const ruleset = this.ruleset();
    if (this.#exampleFailures?.ruleset !== ruleset) this.#exampleFailures = { ruleset, problems: exampleProblems(runExamples(ruleset)) };
    return this.#exampleFailures.problems;
  }

  /** The detectors' findings on a transcript (reviewed ones included, marked), cached per version and ruleset. */
  findings(uri: string): Finding[] {
    const entry = this.#entry(uri);
    if (!entry || entry.kind !== 'transcript') return [];
    const ruleset = this.ruleset();
    const streamed = this.streamedLines(uri);
    if (streamed) {
      // Worked out from the file each time: a dataset's findings are many, and the workspace keeps
      // what it needs of them (see findingsOfClause).
      const out: Finding[] = [];
      for (const line of streamed) for (const f of streamedReport(line, ruleset).findings) out.push(placeFinding(f, line.start, line.index));
      return out;
    }
    // A file read again keeps its findings with its text and models, while they are kept.
    const whole = entry.whole;
    if (whole.findingsCache?.ruleset !== ruleset) {
      let findings: Finding[];
      const jsonl = whole.jsonl;
      if (jsonl) findings = jsonl.findings(ruleset);
      else {
        try {
          findings = whole.transcript ? checkTranscript(whole.transcript, ruleset) : [];
        } catch {
          findings = [];
        }
      }
      whole.findingsCache = { ruleset, findings };
    }
    return whole.findingsCache.findings;
  }

  /**
   * The line-by-line model of a JSONL transcript, for features that keep their own results per line
   * (diagnostics); undefined for other files.
   */
  jsonlLines(uri: string): JsonlLines | undefined {
    const entry = this.#entry(uri);
    return entry?.kind === 'transcript' ? entry.jsonl : undefined;
  }

  /** A transcript's parse problems (for JSONL, gathered line by line without building the transcript). */
  transcriptProblems(uri: string): readonly Problem[] {
    const entry = this.#entry(uri);
    if (!entry || entry.kind !== 'transcript') return [];
    if (entry.problemsCache) return entry.problemsCache;
    const streamed = this.streamedLines(uri);
    if (streamed) {
      const out: Problem[] = [];
      for (const line of streamed) for (const p of parseJsonlLine(line.text, 0, 0).problems) out.push(placeProblem(p, line.start));
      return (entry.problemsCache = out);
    }
    const jsonl = entry.jsonl;
    if (jsonl) return (entry.problemsCache = jsonl.problems());
    return entry.transcript?.problems ?? [];
  }

  /**
   * Whether a transcript file holds anything read as a transcript: a conversation, or a known format.
   * A JSON file that holds neither (package.json, settings) is not a transcript.
   */
  holdsTranscript(uri: string): boolean {
    const entry = this.#entry(uri);
    if (!entry || entry.kind !== 'transcript') return false;
    if (entry.holdsCache === undefined) {
      const streamed = this.streamedLines(uri);
      if (streamed) {
        let holds = false;
        for (const line of streamed) if ((holds = parseJsonlLine(line.text, 0, 0).conversations.length > 0)) break;
        return (entry.holdsCache = holds);
      }
      const jsonl = entry.jsonl;
      const transcript = jsonl ? undefined : entry.transcript;
      const holds = jsonl ? jsonl.holdsConversation() : !!transcript && (transcript.format !== 'unknown' || transcript.conversations.length > 0);
      // An open document's answer can change with its next line; it is kept for a file read again when asked.
      if (!entry.readAgain) return holds;
      entry.holdsCache = holds;
    }
    return entry.holdsCache;
  }

  /** The clauses of one constitution by id (the first of duplicates). */
  clausesOf(uri: string): ReadonlyMap<string, ClauseRef> {
    return this.#clauseTables().byUri.get(uri) ?? this.#clausesOfFile(uri);
  }

  /** Every loaded clause with this id, across constitutions. */
  clausesWithId(id: string): readonly ClauseRef[] {
    return this.#clauseTables().byId.get(id) ?? [];
  }

  /** Resolves `[[id]]` against every loaded constitution and `[[name#id]]` against the named one. */
  resolveCitation(citation: Pick<Citation, 'id' | 'constitution'>): CitationResolution {
    return resolveCitationIn(this.#clauseTables(), citation);
  }

  /** The clause whose heading (or structured entry's id) holds `offset`, innermost first. */
  clauseAt(uri: string, offset: number): Clause | undefined {
    const constitution = this.#entry(uri)?.constitution;
    if (!constitution) return undefined;
    let best: Clause | undefined;
    for (const clause of constitution.clauses) {
      if (clause.headingSpan.start <= offset && offset <= clause.headingSpan.end) {
        if (!best || clause.headingSpan.end - clause.headingSpan.start <= best.headingSpan.end - best.headingSpan.start) best = clause;
      }
    }
    return best;
  }

  /** The citations of a transcript with the turns that hold them, cached per version. */
  citations(uri: string): readonly CitationRef[] {
    const entry = this.#entry(uri);
    if (!entry || entry.kind !== 'transcript') return [];
    if (entry.citationsCache) return entry.citationsCache;
    const streamed = this.streamedLines(uri);
    if (streamed) {
      const out: CitationRef[] = [];
      for (const line of streamed) {
        // Only a line that can hold a note is parsed for its citations.
        if (!mayCite.test(line.text)) continue;
        for (const c of citationsOf(parseJsonlLine(line.text, 0, 0).conversations)) out.push(placeCitation(uri, c, line.start, line.index));
      }
      return (entry.citationsCache = out);
    }
    const jsonl = entry.jsonl;
    return (entry.citationsCache = jsonl ? jsonl.citations(uri) : collectCitations(uri, entry.transcript));
  }

  /** The citation whose `[[...]]` holds `offset`. */
  citationAt(uri: string, offset: number): CitationRef | undefined {
    const all = this.citations(uri);
    let lo = 0;
    let hi = all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = all[mid].citation.span;
      if (offset < s.start) hi = mid - 1;
      else if (offset > s.end) lo = mid + 1;
      else return all[mid];
    }
    return undefined;
  }

  /** Every citation across the workspace that resolves to this clause. */
  citationsOfClause(constitutionUri: string, clauseId: string): readonly CitationRef[] {
    if (this.#citationIndex?.generation !== this.#generation) {
      const byClause = new Map<string, CitationRef[]>();
      for (const file of this.files()) {
        if (file.kind !== 'transcript') continue;
        for (const ref of this.citations(file.uri)) {
          const resolved = this.resolveCitation(ref.citation);
          if (resolved.kind !== 'ok') continue;
          push(byClause, clauseKey(resolved.uri, resolved.clause.id), ref);
        }
      }
      this.#citationIndex = { generation: this.#generation, byClause };
    }
    return this.#citationIndex.byClause.get(clauseKey(constitutionUri, clauseId)) ?? [];
  }

  /** Every finding across the workspace under this clause that has not been marked as reviewed. */
  findingsOfClause(constitutionUri: string, clauseId: string): readonly FindingRef[] {
    const ruleset = this.ruleset();
    if (this.#findingIndex?.generation !== this.#generation || this.#findingIndex.ruleset !== ruleset) {
      const byClause = new Map<string, FindingRef[]>();
      for (const file of this.files()) {
        if (file.kind !== 'transcript') continue;
        for (const finding of this.findings(file.uri)) {
          if (!finding.reviewed) push(byClause, clauseKey(finding.constitutionUri, finding.principle), { uri: file.uri, span: finding.span, conversation: finding.conversation, turn: finding.turn });
        }
      }
      this.#findingIndex = { generation: this.#generation, ruleset, byClause };
    }
    return this.#findingIndex.byClause.get(clauseKey(constitutionUri, clauseId)) ?? [];
  }

  /** How a file is read again, for a transcript from disk when the index has a reader that can read it. */
  #readAgain(uri: string, kind: FileKind, source: TextSource): ReadAgain | undefined {
    const reader = this.#options.reader;
    if (source !== 'disk' || kind !== 'transcript' || !reader?.canRead(uri)) return undefined;
    return { reader, lastRead: this.#lastRead };
  }

  #entry(uri: string): FileEntry | undefined {
    return this.#open.get(uri) ?? this.#disk.get(uri) ?? (this.#starter?.uri === uri ? this.#starter : undefined);
  }

  #changed(kind: FileKind, previousKind?: FileKind): void {
    this.#generation++;
    if (kind !== 'transcript' || (previousKind !== undefined && previousKind !== 'transcript')) this.#constitutionGeneration++;
  }

  #clausesOfFile(uri: string): Map<string, ClauseRef> {
    const constitution = this.#entry(uri)?.constitution;
    const map = new Map<string, ClauseRef>();
    if (constitution) for (const clause of constitution.clauses) if (!map.has(clause.id)) map.set(clause.id, { uri, constitution, clause });
    return map;
  }

  #loaded(uri: string, constitution: Constitution): LoadedConstitution {
    const models = this.#options.models?.(uri, constitution);
    return models ? { uri, constitution, models } : { uri, constitution };
  }

  #clauseTables(): IndexTables {
    if (this.#tables?.generation === this.#constitutionGeneration) return this.#tables.tables;
    const loaded: LoadedConstitution[] = [];
    for (const file of this.files()) {
      if (file.kind === 'constitution' && file.constitution) loaded.push(this.#loaded(file.uri, file.constitution));
    }
    loaded.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    if (loaded.length === 0 && this.#starter?.constitution) loaded.push(this.#loaded(this.#starter.uri, this.#starter.constitution));
    const packs: LoadedPack[] = this.bundledPacks().map((pack) => ({ pack, bundled: true }));
    const copies = this.#copySource();
    for (const file of this.files()) if (file.kind === 'pack') packs.push({ pack: (file as FileEntry).packWith(copies) });
    const applied = applyPacks(loaded, packs, this.#disabledPacks);
    loaded.splice(0, loaded.length, ...applied.constitutions);
    const tables = { ...clauseTables(loaded), packProblems: applied.problems, packUses: applied.uses };
    this.#tables = { generation: this.#constitutionGeneration, tables };
    return tables;
  }
}

/** The index's one file read again, with its text and models: see {@link FileEntry}. */
interface LastRead {
  owner?: FileEntry;
  whole?: FileEntry;
}

/** How a file is read again: the reader, and where the index keeps the one file last read. */
interface ReadAgain {
  readonly reader: FileReader;
  readonly lastRead: LastRead;
}

/**
 * A file's text and its lazily built models. A transcript from disk that the index can read again
 * (see {@link WorkspaceIndexOptions.reader}) keeps neither: only the places of its lines and what the
 * index caches of it (citations, parse problems, whether it holds a transcript). When a feature asks
 * for its text or models, the file is read again into a whole entry, which the index keeps until
 * another such file is read: a walk over the workspace works on one file at a time, so at most one
 * file's text and models are in memory beside what the open documents hold.
 */
class FileEntry implements IndexedFile {
  readonly uri: string;
  readonly kind: FileKind;
  readonly version: number;
  readonly #hooks: WorkspaceIndexHooks | undefined;
  /** The text as given: a string, or lines whose whole text is joined only when asked for; undefined when read again. */
  #source: string | LineText | undefined;
  readonly #readAgain: ReadAgain | undefined;
  /** The length and line places of a text read again when asked for. */
  readonly #length: number;
  readonly #lines: LineIndex | undefined;
  #content: LineText | undefined;
  #constitution: Constitution | undefined;
  #transcript: Transcript | undefined;
  #pack: { copies: CopySource; pack: RulePack } | undefined;
  /** A JSONL transcript's lines: undefined until first asked for, null when the file is not JSONL. */
  #jsonl: JsonlLines | null | undefined;
  citationsCache: CitationRef[] | undefined;
  problemsCache: Problem[] | undefined;
  findingsCache: { ruleset: Ruleset; findings: Finding[] } | undefined;
  /** Whether the file holds a transcript, kept for a file read again when asked for. */
  holdsCache: boolean | undefined;
  /** Whether the file is read again as JSONL, line by line: see {@link WorkspaceIndex.streamedLines}. */
  readonly streamsLines: boolean = false;

  constructor(
    uri: string,
    kind: FileKind,
    text: string | LineText | { readonly length: number; readonly lineIndex: LineIndex },
    version: number,
    hooks: WorkspaceIndexHooks | undefined,
    jsonl?: JsonlLines,
    readAgain?: ReadAgain,
    streamsLines?: boolean,
  ) {
    this.uri = uri;
    this.kind = kind;
    this.version = version;
    this.#hooks = hooks;
    this.#length = text.length;
    if (readAgain) {
      this.#readAgain = readAgain;
      this.#lines = typeof text === 'string' ? new LineIndex(text) : text.lineIndex;
      this.streamsLines = streamsLines ?? (kind === 'transcript' && (typeof text === 'string' || text instanceof LineText) && JsonlLines.open(text, baseName(uri)) !== undefined);
    } else {
      if (typeof text !== 'string' && !(text instanceof LineText)) throw new Error('A file kept in memory needs its text.');
      this.#source = text;
      if (jsonl) this.#jsonl = jsonl;
    }
  }

  /** Whether the text and models are read again from the file when asked for. */
  get readAgain(): boolean {
    return this.#readAgain !== undefined;
  }

  /** The entry that holds the text and models: this one, or the file read again. */
  get whole(): FileEntry {
    const again = this.#readAgain;
    if (!again) return this;
    const last = again.lastRead;
    if (last.owner !== this || !last.whole) {
      // The previous file's models go before this one's are made.
      last.owner = undefined;
      last.whole = undefined;
      last.whole = new FileEntry(this.uri, this.kind, again.reader.read(this.uri) ?? '', this.version, this.#hooks);
      last.owner = this;
    }
    return last.whole;
  }

  get text(): string {
    const source = this.#source;
    if (source === undefined) return this.whole.text;
    return typeof source === 'string' ? source : source.text;
  }

  /** The text as its lines, split on first use when the text came as a string. */
  get content(): LineText {
    const source = this.#source;
    if (source === undefined) return this.whole.content;
    return typeof source === 'string' ? (this.#content ??= LineText.of(source)) : source;
  }

  get length(): number {
    return this.#length;
  }

  slice(start: number, end?: number): string {
    return (this.#source ?? this.text).slice(start, end);
  }

  get lines(): LineIndex {
    return this.#lines ?? this.content.lineIndex;
  }

  /** Whether this entry holds exactly `text`, without joining lines to find out when it can help it. */
  holds(text: string | LineText): boolean {
    const source = this.#source;
    if (source === text) return true;
    if (this.#length !== text.length) return false;
    if (typeof text !== 'string') return false;
    return this.text === text;
  }

  get constitution(): Constitution | undefined {
    if (this.kind !== 'constitution') return undefined;
    return (this.#constitution ??= safeConstitution(this.text, baseName(this.uri)));
  }

  get pack(): RulePack | undefined {
    return this.kind === 'pack' ? this.#pack?.pack : undefined;
  }

  /** The pack in this file, its `copy` entries taken from `copies`; parsed once per source of copies. */
  packWith(copies: CopySource): RulePack {
    if (this.#pack?.copies !== copies) this.#pack = { copies, pack: safePack(this.text, this.uri, copies) };
    return this.#pack.pack;
  }

  get transcript(): Transcript | undefined {
    if (this.kind !== 'transcript') return undefined;
    if (this.#readAgain) return this.whole.transcript;
    if (this.#transcript) return this.#transcript;
    const jsonl = this.jsonl;
    if (jsonl) return (this.#transcript = safeJsonlTranscript(jsonl, () => this.text, baseName(this.uri)));
    return (this.#transcript = isEvalSampleUri(this.uri) ? safeEvalSample(this.text) : safeTranscript(this.text, baseName(this.uri)));
  }

  /** The line-by-line model of a JSONL transcript, built on first use; undefined for other files. */
  get jsonl(): JsonlLines | undefined {
    if (this.#readAgain) return this.whole.jsonl;
    if (this.#jsonl === undefined) {
      const hooks = this.#hooks;
      const uri = this.uri;
      this.#jsonl =
        (this.kind === 'transcript' &&
          JsonlLines.open(this.content, baseName(uri), {
            onParseLine: hooks?.onParseLine && ((line) => hooks.onParseLine!(uri, line)),
            onCheckLine: hooks?.onCheckLine && ((index) => hooks.onCheckLine!(uri, index)),
          })) ||
        null;
    }
    return this.#jsonl ?? undefined;
  }

  /**
   * The entry for this file after the editor's changes, built from this one when it is a JSONL
   * transcript already read line by line and `text` was edited from its text; undefined when the
   * new text must be read afresh. The line model moves to the new entry, so this one reads its own
   * text again should it be asked.
   */
  edited(text: LineText, version: number): FileEntry | undefined {
    const jsonl = this.#jsonl;
    if (!jsonl || this.kind !== 'transcript') return undefined;
    this.#jsonl = undefined;
    if (!jsonl.apply(text, baseName(this.uri))) return undefined;
    return new FileEntry(this.uri, this.kind, text, version, this.#hooks, jsonl);
  }
}

/**
 * The length, line starts (as `LineIndex` finds them: a lone `\r` ends a line too) and first 64 KiB
 * of a text given as its lines split at `\n`; undefined when the text is not a JSONL dataset read
 * line by line: a NUL (a binary file), or a first line that is blank or not JSON, or no second line.
 */
function readLineStarts(lines: Iterable<string> | undefined): { length: number; starts: number[]; head: string } | undefined {
  if (!lines) return undefined;
  const starts = [0];
  const head: string[] = [];
  let headLength = 0;
  let offset = 0;
  let row = 0;
  let nonBlank = 0;
  let last = '';
  for (const line of lines) {
    if (line.includes('\u0000')) return undefined;
    if (row > 0) starts.push(offset);
    for (let cr = line.indexOf('\r'); cr >= 0 && cr < line.length - 1; cr = line.indexOf('\r', cr + 1)) starts.push(offset + cr + 1);
    if (headLength < 64 * 1024) {
      head.push(line);
      headLength += line.length + 1;
    }
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (!isBlankLine(text) && nonBlank++ === 0 && (row !== 0 || parseJsonlLine(text, 0, 0).problems.some((p) => p.code === 'jsonl.syntax'))) return undefined;
    offset += line.length + 1;
    last = line;
    row++;
  }
  if (nonBlank < 2) return undefined;
  const length = offset - 1;
  if (last.endsWith('\r')) starts.push(length);
  return { length, starts, head: head.join('\n') };
}

/** Whether a JSONL line may hold a citation: `[[`, written as it is or escaped. */
const mayCite = /\[\[|\\u005[bB]/;

/** The report of a line streamed from a file; a detector that throws leaves the line without findings. */
export function streamedReport(line: StreamedLine, ruleset: Ruleset): LineReport {
  const parsed = parseJsonlLine(line.text, 0, 0);
  try {
    return reportOfLine(parsed, ruleset);
  } catch {
    return { conversations: parsed.conversations, problems: parsed.problems, citations: citationsOf(parsed.conversations), findings: [] };
  }
}

/** Parsers do not throw on input; should one fail all the same, the file still has a (empty) model. */
function safeConstitution(text: string, fileName: string): Constitution {
  try {
    return parseConstitution(text, fileName);
  } catch (error) {
    return {
      name: fileName.replace(/\..*$/, ''),
      title: fileName,
      format: 'markdown',
      clauses: [],
      metadata: {},
      problems: [problem('internal.parse', `The constitution could not be read: ${(error as Error).message}`, { start: 0, end: 0 })],
    };
  }
}

function safePack(text: string, uri: string, copies: CopySource): RulePack {
  try {
    return parsePack(text, uri, copies);
  } catch (error) {
    const span = { start: 0, end: 0 };
    return { uri, name: baseName(uri), title: baseName(uri), target: { clauses: [], text: [], phrases: [], span }, clauses: [], problems: [problem('internal.parse', `The rule pack could not be read: ${(error as Error).message}`, span)] };
  }
}

function safeJsonlTranscript(jsonl: JsonlLines, text: () => string, fileName: string): Transcript {
  try {
    return jsonl.transcript();
  } catch {
    return safeTranscript(text(), fileName);
  }
}

/** A sample of an Inspect `.eval` log, read from its view as `check` reads it. */
function safeEvalSample(view: string): Transcript {
  try {
    return readEvalSample(view);
  } catch (error) {
    return safeTranscript(view, 'sample.json');
  }
}

function safeTranscript(text: string, fileName: string): Transcript {
  try {
    return parseTranscript(text, fileName);
  } catch (error) {
    return {
      format: 'unknown',
      conversations: [],
      problems: [problem('internal.parse', `The transcript could not be read: ${(error as Error).message}`, { start: 0, end: 0 })],
    };
  }
}

function collectCitations(uri: string, transcript: Transcript | undefined): CitationRef[] {
  return transcript ? citationsOf(transcript.conversations).map((c) => ({ uri, ...c })) : [];
}

/** The last path segment of a URI, decoded. */
export function baseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function clauseKey(uri: string, id: string): string {
  return `${uri}\u0000${id}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
