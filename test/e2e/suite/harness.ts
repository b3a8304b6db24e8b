/**
 * A minimal test runner for the extension host, where node:test cannot run: tests run one after the
 * other in the order they were declared, each reported as `ok`, `not ok` or `ok ... # SKIP`, and the
 * last line, `N passed, N failed, N skipped`, is what the harness and CI read.
 */

/** Thrown by {@link TestContext.skip} to end a test as skipped. */
class Skip extends Error {}

/** What a test receives. */
export interface TestContext {
  /** Ends the test as skipped, with the reason shown in the report. */
  skip(reason: string): never;
}

type TestFn = (t: TestContext) => void | Promise<void>;

const tests: { name: string; fn: TestFn }[] = [];

/** Declares a test. */
export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

/** Counts of a run. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Runs the declared tests whose names contain `filter` (all when it is empty), logs each result, and
 * throws when any failed, or when an unfiltered run executed none.
 */
export async function runTests(filter = '', log: (line: string) => void = console.log): Promise<Summary> {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  const selected = tests.filter((t) => t.name.includes(filter));
  log(`1..${selected.length}`);
  let index = 0;
  for (const { name, fn } of selected) {
    index += 1;
    const started = Date.now();
    const context: TestContext = {
      skip(reason: string): never {
        throw new Skip(reason);
      },
    };
    try {
      await fn(context);
      summary.passed += 1;
      log(`ok ${index} - ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      if (error instanceof Skip) {
        summary.skipped += 1;
        log(`ok ${index} - ${name} # SKIP ${error.message}`);
      } else {
        summary.failed += 1;
        log(`not ok ${index} - ${name} (${Date.now() - started} ms)`);
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(text.split('\n').map((line) => `  ${line}`).join('\n'));
      }
    }
  }
  log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  if (summary.failed > 0) throw new Error(`${summary.failed} of ${selected.length} end-to-end tests failed.`);
  // Unfiltered, a run that executed no test (none declared, or every one skipped) checked nothing.
  if (filter === '' && summary.passed === 0) throw new Error(`No end-to-end test ran (${tests.length} declared, ${summary.skipped} skipped).`);
  return summary;
}
