// axe-core over the main pages, anonymous and signed in as a member and as staff. Runs last (zz-)
// so it sees the state the other journeys left. Fails on any serious or critical violation.
import { injectAxe } from "../harness.mjs";

const FAILING_IMPACTS = new Set(["serious", "critical"]);

// Pages of features that may not exist yet: a "Not found" page is skipped with a log line.
const OTHER_PAGES = ["/tasks", "/events", "/careers/search", "/careers/profile"];

const PEOPLE = [
  { who: "anonymous", email: null },
  { who: "member", email: "liaison@aster.example.com" },
  { who: "staff", email: "staff@wafer.example" },
];

async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.locator("main h1").first().waitFor({ timeout: 10_000 }).catch(() => {});
  // Screens say "Loading…" until their data is in; scan what a person then reads.
  await page.waitForFunction(() => !/Loading/.test(document.querySelector("main")?.textContent ?? ""), null, { timeout: 10_000 }).catch(() => {});
}

export default async function zzAccessibility({ base, newPage, signIn, manage, check, log, artifact }) {
  const publicationId = manage(
    "from api.publications.models import Publication as P; " +
      "from api.publications.access import effective_access as ea; " +
      "print(next(p.pk for p in P.objects.order_by('pk') if ea(p) == 'public'))",
  );
  const pages = [
    "/",
    "/sign-in",
    "/publications",
    `/publications/${publicationId}`,
    "/reports",
    "/reports/publications",
    "/reports/events",
    "/account",
    ...OTHER_PAGES,
  ];
  // The scan must be able to fail: on a page with known faults it has to find them.
  {
    const { context, page } = await newPage();
    await page.setContent('<!doctype html><html lang="en"><title>t</title><main><img src="x.png"><button></button></main></html>');
    await injectAxe(page);
    const ids = (await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }))).violations.map((v) => v.id);
    check(ids.includes("image-alt") && ids.includes("button-name"), `axe finds planted faults (${ids.join(", ")})`);
    await context.close();
  }
  const found = [];
  let scanned = 0;
  for (const { who, email } of PEOPLE) {
    const { context, page } = await newPage();
    if (email) await signIn(page, email);
    for (const path of pages) {
      if (path === "/sign-in" && email) continue; // the same form as the anonymous scan
      await page.goto(`${base}${path}`);
      await settle(page);
      const landed = new URL(page.url()).pathname;
      if (OTHER_PAGES.includes(path) && (await page.getByRole("heading", { level: 1, name: "Not found" }).count())) {
        log(`skipped ${path} as ${who}: not found (its feature is not there yet)`);
        continue;
      }
      await injectAxe(page);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      scanned += 1;
      const serious = result.violations.filter((v) => FAILING_IMPACTS.has(v.impact));
      const minor = result.violations.length - serious.length;
      log(`scanned ${path}${landed !== path ? ` (→ ${landed})` : ""} as ${who}: ${serious.length} serious/critical, ${minor} minor`);
      for (const v of serious) {
        found.push({ who, path, id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) });
      }
      if (serious.length) {
        await page.screenshot({ path: artifact(`a11y-${who}-${path.replace(/\W+/g, "_")}.png`), fullPage: true });
      }
    }
    await page.screenshot({ path: artifact(`a11y-${who}-end.png`), fullPage: true });
    await context.close();
  }
  for (const f of found) {
    console.error(`[a11y] ${f.impact} ${f.id} on ${f.path} as ${f.who}: ${f.help}\n        ${f.targets.slice(0, 8).join("\n        ")}`);
  }
  check(found.length === 0, `no serious or critical violations on ${scanned} scanned pages (${found.length} found)`);
}
