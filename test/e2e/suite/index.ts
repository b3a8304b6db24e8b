/**
 * The entry point VS Code loads as `extensionTestsPath`. The harness's build puts every
 * `test/e2e/suite/*.test.ts` before it in the bundle, so their tests are declared when `run` is called.
 */
import { appendFileSync } from 'node:fs';
import { runTests } from './harness.ts';

/**
 * Runs the end-to-end tests. `CONSTITUTION_LENS_E2E_FILTER` narrows them to names that contain it;
 * `CONSTITUTION_LENS_E2E_REPORT` names a file that receives the report too, because the extension
 * host's console reaches the harness only through the workbench's log.
 */
export async function run(): Promise<void> {
  const report = process.env.CONSTITUTION_LENS_E2E_REPORT;
  await runTests(process.env.CONSTITUTION_LENS_E2E_FILTER ?? '', (line) => {
    console.log(line);
    if (report) appendFileSync(report, `${line}\n`);
  });
}
