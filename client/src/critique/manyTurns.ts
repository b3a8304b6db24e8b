/**
 * "Critique Transcript" and "Critique Dataset": critiques of many turns with a cancellable progress
 * notification. Small jobs go as ordinary concurrent requests; dataset jobs above the batch threshold
 * go through the Message Batches API, their state kept in the workspace state so that polling resumes
 * after a window reload. Results become diagnostics, and a dataset's are also written beside it as
 * `NAME.critique.jsonl`, one line per critiqued turn.
 */
import * as vscode from 'vscode';
import { LineIndex, parseTranscript, type Constitution, type Transcript } from '@lens/core';
import {
  critiqueConcurrently,
  CritiqueFault,
  estimateDataset,
  parseCustomId,
  submitBatch,
  editorWording,
  type DatasetItem,
  type CritiqueCache,
  type CritiqueError,
  type CritiqueOutcome,
} from '@lens/critique';
import type { ApiKeyStore } from './apiKey.ts';
import { followBatch, keepPending, type PendingJob, type PendingStore } from './batchFollow.ts';
import { turnKeyOf, type CritiqueDiagnostics } from './critiqueDiagnostics.ts';
import { placeFindings } from './findings.ts';
import { jobTurns, resultsPathOf } from './jobTurns.ts';
import { critiqueSettings, type CritiqueSettings } from './critiqueSettings.ts';

const jobsKey = 'constitutionLens.batchJobs';

export interface ManyTurnsDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly cache: CritiqueCache;
  readonly keys: ApiKeyStore;
  readonly diagnostics: CritiqueDiagnostics;
  pickConstitution(): Promise<Constitution | undefined>;
  findConstitutions(): Promise<readonly Constitution[]>;
}

export class ManyTurns implements vscode.Disposable {
  readonly #deps: ManyTurnsDeps;
  readonly #aborts = new Set<AbortController>();

  constructor(deps: ManyTurnsDeps) {
    this.#deps = deps;
  }

  critiqueTranscript(document: vscode.TextDocument | undefined): Promise<void> {
    return this.#start(document, false);
  }

  /** `confirmed` (the command's optional argument, for scripts and tests) skips the question before a batch is submitted. */
  critiqueDataset(document: vscode.TextDocument | undefined, options: { confirmed?: boolean } = {}): Promise<void> {
    return this.#start(document, true, options.confirmed === true);
  }

  async #start(document: vscode.TextDocument | undefined, dataset: boolean, confirmed = false): Promise<void> {
    if (!document) {
      void vscode.window.showInformationMessage(`Open a ${dataset ? 'JSONL dataset' : 'transcript'} in the editor, then run the command again.`);
      return;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('This workspace is not trusted, so nothing is sent to a model. Trust the workspace to run critiques.');
      return;
    }
    const constitution = await this.#deps.pickConstitution();
    if (!constitution) return;
    const settings = critiqueSettings(document.uri);
    const text = document.getText();
    const transcript = parseTranscript(text, document.fileName);
    const turns = jobTurns(transcript, dataset);
    if (turns.length === 0) {
      void vscode.window.showInformationMessage('No assistant turn with text was found in this file, so there is nothing to critique.');
      return;
    }
    const items: DatasetItem[] = turns.map(({ position, conversation, turn }) => ({
      customId: `c${position}-t${turn.index}`,
      request: { model: settings.model, maxTokens: settings.maxTokens, constitution, conversation, turnIndex: conversation.turns.indexOf(turn), documentText: text },
    }));
    const apiKey = await this.#deps.keys.get();
    if (!apiKey) {
      await this.#fault({ kind: 'no-key', message: 'No API key is set, so nothing was sent. Set a key with “Constitution Lens: Set API Key”.' });
      return;
    }
    if (dataset && items.length > settings.batchThreshold) await this.#batch(document, constitution, settings, items, apiKey, confirmed);
    else await this.#concurrent(document, transcript, constitution, settings, items, apiKey, dataset);
  }

  async #concurrent(
    document: vscode.TextDocument,
    transcript: Transcript,
    constitution: Constitution,
    settings: CritiqueSettings,
    items: DatasetItem[],
    apiKey: string,
    dataset: boolean,
  ): Promise<void> {
    const version = document.version;
    const results = new Map<string, CritiqueOutcome>();
    let fatal: CritiqueError | undefined;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Critiquing ${items.length} turn${items.length === 1 ? '' : 's'}`, cancellable: true },
      async (progress, token) => {
        const abort = this.#abortable(token);
        try {
          await critiqueConcurrently(items, {
            apiKey,
            baseURL: settings.baseUrl,
            signal: abort.signal,
            cache: this.#deps.cache,
            wording: editorWording,
            concurrency: settings.concurrency,
            onResult: (id, outcome) => {
              results.set(id, outcome);
              if (!outcome.ok && (outcome.error.kind === 'no-key' || outcome.error.kind === 'auth')) {
                fatal ??= outcome.error;
                abort.abort();
              }
              const cached = outcome.ok && outcome.result.cached ? ' (from cache)' : '';
              progress.report({ increment: 100 / items.length, message: `${results.size} of ${items.length}${cached}` });
            },
          });
        } finally {
          this.#aborts.delete(abort);
        }
      },
    );
    this.#show(document, version, transcript, constitution, results);
    if (dataset) await this.#write(document, transcript, results);
    await this.#summarise(items.length, results, fatal);
  }

  async #batch(document: vscode.TextDocument, constitution: Constitution, settings: CritiqueSettings, items: DatasetItem[], apiKey: string, confirmed: boolean): Promise<void> {
    const endpoint = { apiKey, baseURL: settings.baseUrl, wording: editorWording };
    let pending: PendingJob;
    try {
      const estimate = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Counting tokens…' }, () => estimateDataset(items, endpoint));
      const cost = estimate.costUSD ? ` About $${estimate.costUSD.batch.toFixed(2)} at batch prices (at most; $${estimate.costUSD.standard.toFixed(2)} as ordinary requests).` : '';
      const go = confirmed ? 'Submit Batch' : await vscode.window.showInformationMessage(
        `Critique ${estimate.requests} turns through the Message Batches API? About ${estimate.inputTokens.toLocaleString('en')} input tokens and at most ${estimate.maxOutputTokens.toLocaleString('en')} output tokens with ${estimate.model}.${cost} Results can take up to a day; polling resumes after a reload.`,
        { modal: true },
        'Submit Batch',
      );
      if (go !== 'Submit Batch') return;
      const job = await submitBatch(items, endpoint);
      pending = { job, documentUri: document.uri.toString(), constitution: constitution.name, maxTokens: settings.maxTokens };
      await keepPending(this.#store, pending);
      this.#deps.log.info(`Submitted batch ${job.batchId} of ${Object.keys(job.requests).length} requests.`);
    } catch (e) {
      if (e instanceof CritiqueFault) return this.#fault(e.error);
      throw e;
    }
    await this.#follow(pending);
  }

  /** Resumes polling the batches submitted before the window reloaded. */
  async resumePending(): Promise<void> {
    for (const pending of this.#store.list()) {
      this.#deps.log.info(`Resuming batch ${pending.job.batchId}.`);
      void this.#follow(pending).catch((e) => this.#deps.log.error(`Batch ${pending.job.batchId} failed`, e));
    }
  }

  async #follow(pending: PendingJob): Promise<void> {
    const apiKey = await this.#deps.keys.get();
    if (!apiKey) {
      await this.#fault({ kind: 'no-key', message: `A batch critique (${pending.job.batchId}) is waiting, but no API key is set. Set a key with “Constitution Lens: Set API Key”, then reload the window.` });
      return;
    }
    const uri = vscode.Uri.parse(pending.documentUri);
    const settings = critiqueSettings(uri);
    const results = new Map<string, CritiqueOutcome>();
    const count = Object.keys(pending.job.requests).length;
    let opened: { document: vscode.TextDocument; version: number; transcript: Transcript; constitution: Constitution } | undefined;
    try {
      const end = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Batch critique of ${count} turns`, cancellable: true },
        async (progress, token) => {
          // The window closing stops following the batch, which the next window resumes; only the
          // user's cancel cancels the batch at the API.
          const stop = new AbortController();
          this.#aborts.add(stop);
          const cancel = new AbortController();
          token.onCancellationRequested(() => cancel.abort());
          try {
            return await followBatch(pending, {
              apiKey,
              baseURL: settings.baseUrl,
              wording: editorWording,
              signal: cancel.signal,
              stop: stop.signal,
              store: this.#store,
              intervalMs: pollIntervalMs(),
              onProgress: (p, canceling) => {
                const done = p.succeeded + p.errored + p.canceled + p.expired;
                const stage = canceling ? '; cancelling the batch' : p.ended ? '; collecting results' : '';
                progress.report({ message: `${done} of ${count} done${stage}` });
              },
              prepare: async () => {
                const document = await vscode.workspace.openTextDocument(uri);
                const text = document.getText();
                const transcript = parseTranscript(text, document.fileName);
                const constitution = (await this.#deps.findConstitutions()).find((c) => c.name === pending.constitution) ?? (await this.#deps.pickConstitution());
                if (!constitution) return undefined;
                opened = { document, version: document.version, transcript, constitution };
                return (customId) => {
                  const where = parseCustomId(customId);
                  const conversation = where ? transcript.conversations[where.conversation] : undefined;
                  if (!where || !conversation || !conversation.turns[where.turn]) return undefined;
                  return { model: pending.job.model, maxTokens: pending.maxTokens, constitution, conversation, turnIndex: where.turn, documentText: text };
                };
              },
              onResult: async (customId, outcome, cacheKey) => {
                if (!outcome.ok && outcome.error.kind === 'cancelled') return;
                results.set(customId, outcome);
                if (outcome.ok) await this.#deps.cache.set(cacheKey, outcome.result).catch(() => undefined);
              },
            });
          } finally {
            this.#aborts.delete(stop);
          }
        },
      );
      if (!end.collected || !opened) return;
      const { document, version, transcript, constitution } = opened;
      this.#show(document, version, transcript, constitution, results);
      if (results.size > 0 || !end.cancelled) await this.#write(document, transcript, results);
      if (end.cancelled) {
        const kept = results.size > 0 ? ` ${results.size} of ${count} turns had come back; their critiques are kept beside the dataset and as problems.` : ' No turn had come back yet.';
        void vscode.window.showInformationMessage(`Cancelled batch ${pending.job.batchId}, so no more of it is processed or billed.${kept} Run “Critique Dataset” again to critique the rest.`);
        return;
      }
      await this.#summarise(count, results, undefined);
    } catch (e) {
      if (e instanceof CritiqueFault) return this.#fault(e.error);
      throw e;
    }
  }

  #show(document: vscode.TextDocument, version: number, transcript: Transcript, constitution: Constitution, results: ReadonlyMap<string, CritiqueOutcome>): void {
    if (document.version !== version) return;
    for (const [id, outcome] of results) {
      const where = parseCustomId(id);
      const conversation = where ? transcript.conversations[where.conversation] : undefined;
      const turn = where ? conversation?.turns[where.turn] : undefined;
      if (!outcome.ok || !turn || !where) continue;
      this.#deps.diagnostics.set(document, turnKeyOf(where.conversation, where.turn), placeFindings(turn, constitution, outcome.result.findings).findings);
    }
  }

  async #write(document: vscode.TextDocument, transcript: Transcript, results: ReadonlyMap<string, CritiqueOutcome>): Promise<void> {
    const lines = new LineIndex(document.getText());
    const out: string[] = [];
    const ordered = [...results].sort(([a], [b]) => compareIds(a, b));
    for (const [id, outcome] of ordered) {
      const where = parseCustomId(id);
      const conversation = where ? transcript.conversations[where.conversation] : undefined;
      if (!where || !conversation) continue;
      const head = { conversation: conversation.index, ...(conversation.side ? { side: conversation.side } : {}), ...(conversation.id ? { id: conversation.id } : {}), turn: where.turn };
      if (!outcome.ok) {
        out.push(JSON.stringify({ ...head, error: { kind: outcome.error.kind, message: outcome.error.message } }));
        continue;
      }
      const r = outcome.result;
      out.push(
        JSON.stringify({
          ...head,
          model: r.model,
          findings: r.findings.map((f) => ({ principle: f.principle, severity: f.severity, quote: f.quote, critique: f.critique, ...(f.span ? { range: lines.rangeOf(f.span) } : {}) })),
          dropped: r.dropped.map((d) => ({ principle: d.finding.principle, quote: d.finding.quote, reason: d.reason })),
          revision: r.revision,
          usage: r.usage,
          cached: r.cached,
        }),
      );
    }
    if (out.length === 0) return;
    const target = document.uri.with({ path: resultsPathOf(document.uri.path) });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(out.join('\n') + '\n'));
    this.#deps.log.info(`Wrote ${out.length} critiques to ${target.fsPath}.`);
  }

  async #summarise(total: number, results: ReadonlyMap<string, CritiqueOutcome>, fatal: CritiqueError | undefined): Promise<void> {
    if (fatal) return this.#fault(fatal);
    const ok = [...results.values()].filter((o) => o.ok);
    const findings = ok.reduce((n, o) => n + (o.ok ? o.result.findings.length : 0), 0);
    const cached = ok.filter((o) => o.ok && o.result.cached).length;
    const failed = [...results.values()].find((o) => !o.ok);
    const missing = total - results.size;
    const parts = [`Critiqued ${ok.length} of ${total} turns: ${findings} finding${findings === 1 ? '' : 's'}`];
    if (cached) parts.push(`${cached} from cache`);
    if (missing) parts.push(`${missing} not run (cancelled)`);
    const message = `${parts.join('; ')}.`;
    if (failed && !failed.ok) void vscode.window.showWarningMessage(`${message} Some failed: ${failed.error.message}`);
    else void vscode.window.showInformationMessage(message);
  }

  async #fault(error: CritiqueError): Promise<void> {
    if (error.kind === 'cancelled') return;
    if (error.kind === 'no-key' || error.kind === 'auth') {
      const pick = await vscode.window.showWarningMessage(error.message, 'Set API Key');
      if (pick) await vscode.commands.executeCommand('constitutionLens.setApiKey');
      return;
    }
    void vscode.window.showWarningMessage(error.message);
  }

  #abortable(token: vscode.CancellationToken): AbortController {
    const abort = new AbortController();
    this.#aborts.add(abort);
    token.onCancellationRequested(() => abort.abort());
    return abort;
  }

  get #store(): PendingStore {
    const state = this.#deps.context.workspaceState;
    return { list: () => state.get<PendingJob[]>(jobsKey, []), save: (jobs) => state.update(jobsKey, jobs) };
  }

  dispose(): void {
    for (const a of this.#aborts) a.abort();
  }
}

/** Seconds between polls of a batch; the tests' mock endpoint sets a short one through the environment. */
function pollIntervalMs(): number {
  const fromEnv = Number(process.env.CONSTITUTION_LENS_BATCH_POLL_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000;
}

function compareIds(a: string, b: string): number {
  const x = parseCustomId(a);
  const y = parseCustomId(b);
  if (!x || !y) return a.localeCompare(b);
  return x.conversation - y.conversation || x.turn - y.turn;
}
