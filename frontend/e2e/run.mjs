// End-to-end journeys in Debian's chromium against the real Django server with demo data (see
// e2e/harness.mjs). Each file in e2e/journeys/ is one journey: `export default async (t) => {…}`.
//
//   node e2e/run.mjs                      every journey (builds the SPA first when frontend/dist is missing)
//   E2E_ONLY=events,careers node e2e/run.mjs   only those journeys (file names without .mjs)
//   E2E_DIST=/tmp/dist node e2e/run.mjs       serve the SPA built there (npx vite build --outDir /tmp/dist)
//
// Env: CHROMIUM (default /usr/bin/chromium), E2E_KEEP=1 keeps the temporary database directory.
// A failing journey does not stop the others; its page is screenshotted and the run exits 1.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FRONTEND, log, startHarness } from "./harness.mjs";

const TOTAL_TIMEOUT_MS = 12 * 60 * 1000; // the seed takes up to a minute; each journey seconds

async function main() {
  const only = (process.env.E2E_ONLY ?? "").split(",").filter(Boolean);
  const dir = join(FRONTEND, "e2e", "journeys");
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => f.slice(0, -4))
    .filter((n) => !only.length || only.includes(n))
    .sort();
  if (!names.length) throw new Error(`no journey matches E2E_ONLY=${only.join(",")}`);
  const harness = await startHarness();
  const failed = [];
  try {
    for (const name of names) {
      const journey = (await import(pathToFileURL(join(dir, `${name}.mjs`)).href)).default;
      log(`journey ${name}`);
      try {
        await journey(harness);
        log(`journey ${name} passed`);
      } catch (error) {
        failed.push(name);
        console.error(`[e2e] journey ${name} FAILED: ${error.stack ?? error}`);
        for (const context of harness.browser.contexts()) {
          for (const [i, page] of context.pages().entries()) {
            await page.screenshot({ path: harness.artifact(`FAILED-${name}-${i}.png`), fullPage: true }).catch(() => {});
          }
          await context.close().catch(() => {});
        }
      }
    }
  } finally {
    await harness.stop();
  }
  if (failed.length) throw new Error(`${failed.length} of ${names.length} journeys failed: ${failed.join(", ")}`);
  log(`all ${names.length} journeys passed: ${names.join(", ")}`);
}

const watchdog = setTimeout(() => {
  console.error(`[e2e] timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
  process.exit(2);
}, TOTAL_TIMEOUT_MS);

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (error) => {
    console.error(`[e2e] FAILED: ${error.stack ?? error}`);
    clearTimeout(watchdog);
    process.exit(1);
  },
);
