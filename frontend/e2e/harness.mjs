// The end-to-end harness: a fresh SQLite database with demo data, the real Django server serving the
// built SPA on the same origin, and Debian's chromium driven by playwright-core (no browser download).
// Journeys (e2e/journeys/*.mjs) receive the object `startHarness` returns.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = resolve(FRONTEND, "..");
export const ARTIFACTS = join(FRONTEND, "e2e", "artifacts");
export const PASSWORD = "wafer-demo-2026";
export const STEP_TIMEOUT_MS = 15_000;
const PYTHON = join(ROOT, ".venv", "bin", "python");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// The built SPA Django serves; E2E_DIST points elsewhere (`npx vite build --outDir …`) so that
// parallel builds do not overwrite the one a running journey uses.
const DIST = process.env.E2E_DIST ?? join(FRONTEND, "dist");

const started = Date.now();
export const log = (message) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Puts axe-core (window.axe) into the page. Through the DevTools protocol, not a <script> tag, which
 * the site's Content-Security-Policy rightly refuses: the journeys run with the CSP on. */
export async function injectAxe(page) {
  await page.evaluate(AXE_SOURCE);
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  log(`ok: ${message}`);
}

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

/** Starts the server and the browser; `stop()` ends both and removes the temporary database. */
export async function startHarness() {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y chromium`);
  if (process.env.E2E_DIST && !existsSync(join(DIST, "index.html"))) {
    throw new Error(`E2E_DIST=${DIST} holds no build: npx vite build --outDir ${DIST}`);
  }
  if (!existsSync(join(DIST, "index.html"))) {
    log("building the SPA");
    run("npm", ["run", "build"], process.env, { cwd: FRONTEND, stdio: "inherit" });
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "wafer-e2e-"));
  // A second origin the API trusts, for the journey that serves the SPA on its own origin.
  const otherOrigin = `http://127.0.0.1:${await freePort()}`;
  const env = {
    CORS_ALLOWED_ORIGINS: otherOrigin,
    CSRF_TRUSTED_ORIGINS: otherOrigin,
    ...process.env,
    DEBUG: "true",
    DATABASE_URL: `sqlite:///${join(work, "db.sqlite3")}`,
    MEDIA_ROOT: join(work, "media"),
    MEMCACHED_SERVERS: "",
    SPA_ROOT: DIST,
    THROTTLE_LOGIN: "100/min",
    PYTHONUNBUFFERED: "1",
  };
  let base = "";
  let server = null;
  let worker = null;
  let browser = null;
  const stop = async () => {
    await browser?.close().catch(() => {});
    for (const child of [server, worker]) {
      if (child && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
    if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true });
  };
  try {
    log("migrate + seed_demo (fresh SQLite)");
    run(PYTHON, ["manage.py", "migrate", "--noinput"], env);
    run(PYTHON, ["manage.py", "seed_demo"], env);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(PYTHON, ["manage.py", "runserver", `127.0.0.1:${port}`, "--noreload"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so the kill in stop() takes any child with it
    });
    // Background jobs (resume books) run in a worker beside the server, as `make run` does.
    worker = spawn(PYTHON, ["manage.py", "db_worker"], { cwd: ROOT, env, stdio: "ignore", detached: true });
    let serverLog = "";
    server.stdout.on("data", (d) => (serverLog += d));
    server.stderr.on("data", (d) => (serverLog += d));
    await waitForHealth(base, server).catch((e) => {
      throw new Error(`${e.message}\n${serverLog}`);
    });
    log(`server on ${base}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    base,
    otherOrigin,
    PASSWORD,
    browser,
    stop,
    log,
    check,
    artifact: (name) => join(ARTIFACTS, name),
    /** Runs Python in `manage.py shell -c` against the journeys' database; returns its last output line. */
    manage: (code) => run(PYTHON, ["manage.py", "shell", "-c", code], env).trim().split("\n").at(-1),
    /** A new browser context and page; options go to `browser.newContext`. */
    async newPage(options = {}) {
      const context = await browser.newContext({ acceptDownloads: true, ...options });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      return { context, page };
    },
    /**
     * On a 375 px screen: the site header fits, and so does the page's own content (`what`, in
     * <main>); only wide tables may overflow, inside their own scrolling region.
     */
    async checkFits375(page, what) {
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("main *")]
          .filter((el) => !el.closest("[role=region]") && el.getBoundingClientRect().right > window.innerWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className}`),
      );
      const header = await page.evaluate(() => document.querySelector(".site-header")?.scrollWidth ?? 0);
      check(header <= 375, `the site header fits a 375 px screen (${header} px)`);
      check(wide.length === 0, `${what} fits a 375 px screen; wide tables scroll in their own region (${wide.join(", ")})`);
    },
    /** Signs in through the sign-in screen and waits until the app shows the person signed in. */
    async signIn(page, email, password = PASSWORD) {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
    },
  };
}
