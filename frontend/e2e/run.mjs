// End-to-end journeys in Debian's chromium (playwright-core, no browser download) against the real
// Django server with demo data and the built SPA served by Django on the same origin.
//
//   node e2e/run.mjs            (builds the SPA first when frontend/dist is missing)
//
// Env: CHROMIUM (default /usr/bin/chromium), E2E_KEEP=1 keeps the temporary database directory.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(FRONTEND, "..");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const ARTIFACTS = join(FRONTEND, "e2e", "artifacts");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PASSWORD = "wafer-demo-2026";
const MEMBER = "liaison@aster.example.com";
const TOTAL_TIMEOUT_MS = 8 * 60 * 1000; // the seed takes up to a minute; the journeys seconds
const STEP_TIMEOUT_MS = 15_000;

const started = Date.now();
const log = (message) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function run(command, args, env, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", timeout: 180_000, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

async function waitForHealth(base, server) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server did not answer /healthz within 60 s");
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  log(`ok: ${message}`);
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y chromium`);
  if (!existsSync(join(FRONTEND, "dist", "index.html"))) {
    log("building the SPA");
    run("npm", ["run", "build"], process.env, { cwd: FRONTEND, stdio: "inherit" });
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "wafer-e2e-"));
  const env = {
    ...process.env,
    DEBUG: "true",
    DATABASE_URL: `sqlite:///${join(work, "db.sqlite3")}`,
    MEDIA_ROOT: join(work, "media"),
    MEMCACHED_SERVERS: "",
    SPA_ROOT: join(FRONTEND, "dist"),
    THROTTLE_LOGIN: "100/min",
    PYTHONUNBUFFERED: "1",
  };
  let server = null;
  let browser = null;
  try {
    log("migrate + seed_demo (fresh SQLite)");
    run(PYTHON, ["manage.py", "migrate", "--noinput"], env);
    run(PYTHON, ["manage.py", "seed_demo"], env);
    // A members-only publication (no embargo) with a file: the anonymous visitor must not find it.
    const found = run(
      PYTHON,
      [
        "manage.py",
        "shell",
        "-c",
        // The demo gives files to public publications only; an embargo makes some of them members-only
        // for now (api.publications.access.effective_access), which is what the visitor must not see.
        "from api.publications.models import Publication as P; " +
          "from api.publications.access import effective_access as ea; " +
          "p = next(p for p in P.objects.filter(files__isnull=False).distinct().order_by('pk') if ea(p) == 'members'); " +
          "print(p.pk, p.files.first().original_name, p.title, sep='\\t')",
      ],
      env,
    ).trim().split("\n").at(-1).split("\t");
    const [pubId, fileName, title] = [Number(found[0]), found[1], found[2]];
    log(`members-only publication #${pubId}: ${title} (${fileName})`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(PYTHON, ["manage.py", "runserver", `127.0.0.1:${port}`, "--noreload"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so the kill below takes any child with it
    });
    let serverLog = "";
    server.stdout.on("data", (d) => (serverLog += d));
    server.stderr.on("data", (d) => (serverLog += d));
    await waitForHealth(base, server).catch((e) => {
      throw new Error(`${e.message}\n${serverLog}`);
    });
    log(`server on ${base}`);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });

    // (a) An anonymous visitor searches publications and cannot see the members-only one.
    {
      const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await page.goto(`${base}/publications`);
      await page.getByRole("heading", { name: /publications? found/ }).waitFor();
      const total = Number((await page.locator("#results-heading").textContent()).match(/\d+/)[0]);
      check(total > 0, `anonymous sees ${total} publications`);
      check((await page.locator(".badge-members").count()) === 0, "no members-only badge in the anonymous list");
      await page.getByLabel("Search").fill(title);
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByText("No publications match").waitFor();
      check(new URL(page.url()).searchParams.get("q") === title, "the search is in the URL");
      await page.screenshot({ path: join(ARTIFACTS, "anonymous-search.png"), fullPage: true });
      await page.goto(`${base}/publications/${pubId}`); // a deep link, served by Django's SPA fallback
      await page.getByRole("heading", { name: "Not found" }).waitFor();
      check(true, "the members-only publication is a not-found page for the anonymous visitor");
      await page.screenshot({ path: join(ARTIFACTS, "anonymous-detail-not-found.png"), fullPage: true });
      await context.close();
    }

    // (b) A member signs in, finds that publication, opens it and downloads its file.
    {
      const context = await browser.newContext({ acceptDownloads: true });
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await page.goto(`${base}/publications/${pubId}`);
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByLabel("Email").fill(MEMBER);
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
      check(true, "a wrong password is shown as a form error");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      // Signing in from the not-found page returns there, and now the publication shows.
      await page.getByRole("heading", { level: 1, name: title }).waitFor();
      check(await page.getByRole("button", { name: "Sign out" }).isVisible(), "the member is signed in and back");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Publications" }).click();
      await page.getByLabel("Search").fill(title);
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("heading", { name: /^\d+ publications? found/ }).waitFor();
      const [listExport] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download all as RIS" }).click(),
      ]);
      const exported = join(ARTIFACTS, "result-list.ris");
      await listExport.saveAs(exported);
      check(
        readFileSync(exported, "utf8").includes(title.slice(0, 40)),
        `the result list exports as RIS (${listExport.suggestedFilename()})`,
      );
      await page.getByRole("link", { name: title, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: title }).waitFor();
      check(await page.locator(".badge-members").isVisible(), "the detail shows the members-only badge");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: `Download ${fileName}` }).click(),
      ]);
      const saved = join(ARTIFACTS, `download-${download.suggestedFilename()}`);
      await download.saveAs(saved);
      check(download.suggestedFilename() === fileName, `the download is named ${fileName}`);
      check(statSync(saved).size > 0, `the downloaded file has ${statSync(saved).size} bytes`);
      const [citation] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download BibTeX" }).click(),
      ]);
      check(citation.suggestedFilename().endsWith(".bib"), `the BibTeX citation downloads (${citation.suggestedFilename()})`);
      await page.getByRole("button", { name: "Copy BibTeX" }).click();
      await page.getByRole("status").filter({ hasText: "BibTeX copied to the clipboard." }).waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      check(copied.startsWith("@") && copied.includes("gate-all-around"), "the BibTeX citation is on the clipboard");
      await page.screenshot({ path: join(ARTIFACTS, "member-publication.png"), fullPage: true });
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("link", { name: "Sign in" }).waitFor();
      check(true, "the member signs out");
      await context.close();
    }
    log("all journeys passed");
  } finally {
    await browser?.close().catch(() => {});
    if (server && server.exitCode === null) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true });
  }
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
