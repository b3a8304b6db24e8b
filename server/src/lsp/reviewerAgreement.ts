/**
 * The reviewers' verdict on the rules, kept for the diagnostics: measured over the workspace a moment
 * after the files settle (not on every keystroke, since it reads every label), and turned into
 * severity overrides for the rules the reviewers seldom agree with. When the demoted rules change,
 * the client is asked to pull diagnostics again. A workspace pull holds the measure back while it is
 * answered: both read every file, and one at a time is what the Problems panel waits for soonest,
 * with the work of one walk, not two, in memory at once.
 */
import { workspaceAgreementSteps } from '../core/features/agreement.ts';
import { demotions, type Demotion } from '../core/labels/demotion.ts';
import type { Severity } from '../core/problem.ts';
import type { WorkspaceIndex } from '../core/workspace/index.ts';
import { inSlices, sliceMs } from './inSlices.ts';
import type { Settings } from './settings.ts';

type Overrides = Readonly<Record<string, Severity | 'off'>>;

export class ReviewerAgreement {
  readonly #index: () => WorkspaceIndex;
  readonly #settings: () => Promise<Settings>;
  readonly #changed: () => void;
  readonly #log: (message: string) => void;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #measuring = false;
  #again = false;
  #demotions = new Map<string, Demotion>();
  #key = '[]';
  /** How many workspace pulls are being answered; while any is, the measure waits. */
  #pulls = 0;
  /** What settles the waiting measure once the last pull ends. */
  #resume: (() => void)[] = [];
  /** Per settings' overrides, the same with the demotions applied: one object while neither changes, which the diagnostics' caches rely on. */
  #merged = new WeakMap<Overrides, Overrides>();

  constructor(index: () => WorkspaceIndex, settings: () => Promise<Settings>, changed: () => void, log: (message: string) => void, delayMs = 1500) {
    this.#index = index;
    this.#settings = settings;
    this.#changed = changed;
    this.#log = log;
    this.#delayMs = delayMs;
  }

  /** Measures again once the files have not changed for a moment. */
  schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // One measure at a time: a change during a measure measures again once it ends.
      if (this.#measuring) {
        this.#again = true;
        return;
      }
      this.#measuring = true;
      this.#measure()
        .catch((error: unknown) => this.#log(`measuring the reviewers' agreement failed: ${String(error)}`))
        .finally(() => {
          this.#measuring = false;
          if (this.#again) {
            this.#again = false;
            this.schedule();
          }
        });
    }, this.#delayMs);
    // A measure still to come does not keep a server that is otherwise done from exiting.
    this.#timer.unref?.();
  }

  /** Answers a workspace pull (`pull`) with the measure held back until it ends, and any other pull with it. */
  async holdingBack<T>(pull: () => Promise<T>): Promise<T> {
    this.#pulls++;
    try {
      return await pull();
    } finally {
      if (--this.#pulls === 0) for (const resume of this.#resume.splice(0)) resume();
    }
  }

  /** Settles when no workspace pull is being answered; undefined when none is now. */
  #held(): Promise<void> | undefined {
    return this.#pulls === 0 ? undefined : new Promise((resolve) => this.#resume.push(resolve));
  }

  /** The settings' overrides with the demoted rules' severities lowered. */
  overrides(base: Overrides): Overrides {
    if (this.#demotions.size === 0) return base;
    let merged = this.#merged.get(base);
    if (!merged) {
      const out: Record<string, Severity | 'off'> = { ...base };
      for (const d of this.#demotions.values()) out[d.rule] = d.to;
      this.#merged.set(base, (merged = out));
    }
    return merged;
  }

  /** Why a rule is shown lower, when it is. */
  demotion(rule: string): Demotion | undefined {
    return this.#demotions.get(rule);
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #measure(): Promise<void> {
    await this.#held();
    const settings = await this.#settings();
    const index = this.#index();
    const held = () => this.#held();
    const rules = settings.demoteBelowPrecision > 0 ? (await inSlices(workspaceAgreementSteps(index, { keepLabels: false }), sliceMs, held)).rules : [];
    const next = demotions(rules, index.ruleset(), { belowPrecision: settings.demoteBelowPrecision, minFlagged: settings.demoteMinFlagged }, settings.severityOverrides);
    const key = JSON.stringify([...next.values()]);
    if (key === this.#key) return;
    this.#key = key;
    this.#demotions = next;
    this.#merged = new WeakMap();
    this.#changed();
  }
}
