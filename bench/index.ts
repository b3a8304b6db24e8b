/**
 * `npm run bench`: every benchmark of the project in one run, each printing its figures beside a
 * reference measured in the same run (speed targets are ratios, never timed tests). Name benchmarks
 * to run only those: `npm run bench -- parse check`.
 */
const suites = {
  parse: () => import('./parse.ts'),
  check: () => import('./check.ts'),
  eval: () => import('./evalLog.ts'),
  server: () => import('./server.ts'),
  navigation: () => import('./navigation.ts'),
  critique: () => import('./critique.ts'),
  workspace: () => import('./workspace.ts'),
  preview: () => import('./preview.ts'),
} as const;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => a in suites);
  const names = (wanted.length > 0 ? wanted : Object.keys(suites)) as (keyof typeof suites)[];
  for (const name of names) {
    console.log(`\n=== ${name}`);
    const started = performance.now();
    const suite = await suites[name]();
    await suite.run();
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
