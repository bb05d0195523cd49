// The SPA deployed on its own origin: built with VITE_API_BASE pointing at the API, served by a
// plain static server on another port, talking to the API with CORS and session cookies.
// (The API trusts this origin through CORS_ALLOWED_ORIGINS and CSRF_TRUSTED_ORIGINS, set by the harness.)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { FRONTEND } from "../harness.mjs";

const MEMBER = "liaison@aster.example.com";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

function serveStatic(root, port) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || path.endsWith("/")) file = join(root, "index.html"); // history fallback
    response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok(server)));
}

export default async function separateOrigin({ base, otherOrigin, newPage, check, artifact, log, PASSWORD }) {
  const out = mkdtempSync(join(tmpdir(), "wafer-spa-origin-"));
  let server = null;
  try {
    log(`building the SPA for ${otherOrigin} with VITE_API_BASE=${base}`);
    const build = spawnSync("npx", ["vite", "build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], {
      cwd: FRONTEND,
      env: { ...process.env, VITE_API_BASE: base },
      encoding: "utf8",
      timeout: 120_000,
    });
    check(build.status === 0, `the SPA builds with VITE_API_BASE ${build.status === 0 ? "" : build.stderr}`);
    server = await serveStatic(out, Number(new URL(otherOrigin).port));

    // An origin the API was not told about gets no CORS grant.
    const stranger = await fetch(`${base}/api/v1/auth/me/`, { headers: { Origin: "http://127.0.0.1:9" } });
    check(!stranger.headers.has("access-control-allow-origin"), "an unknown origin gets no Access-Control-Allow-Origin");

    const { context, page } = await newPage();
    await page.goto(`${otherOrigin}/publications`);
    await page.getByRole("heading", { name: /publications? found/ }).waitFor();
    const anonymous = Number((await page.locator("#results-heading").textContent()).match(/\d+/)[0]);
    check(anonymous > 0, `from ${otherOrigin} an anonymous visitor lists ${anonymous} publications through the API`);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email").fill(MEMBER);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click(); // a CSRF-protected POST across origins
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("heading", { name: /publications? found/ }).waitFor();
    const member = Number((await page.locator("#results-heading").textContent()).match(/\d+/)[0]);
    check(member > anonymous, `signed in across origins, the member sees more (${member} > ${anonymous}): the session cookie works`);
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    check(true, "the session survives a reload on the SPA's own origin");
    await page.screenshot({ path: artifact("separate-origin.png"), fullPage: true });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    check(true, "signing out across origins works");
    await context.close();
  } finally {
    server?.close();
    rmSync(out, { recursive: true, force: true });
  }
}
