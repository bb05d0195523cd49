// A member finds and downloads a members-only publication that an anonymous visitor cannot see;
// citations are exported for the result list and copied for one publication.
import { readFileSync, statSync } from "node:fs";

const MEMBER = "liaison@aster.example.com";

export default async function publications({ base, newPage, manage, check, artifact, PASSWORD }) {
  // The demo gives files to public publications only; an embargo makes some of them members-only
  // for now (api.publications.access.effective_access), which is what the visitor must not see.
  const found = manage(
    "from api.publications.models import Publication as P; " +
      "from api.publications.access import effective_access as ea; " +
      "p = next(p for p in P.objects.filter(files__isnull=False).distinct().order_by('pk') if ea(p) == 'members'); " +
      "print(p.pk, p.files.first().original_name, p.title, sep='\\t')",
  ).split("\t");
  const [pubId, fileName, title] = [Number(found[0]), found[1], found[2]];

  // (a) An anonymous visitor searches publications and cannot see the members-only one.
  {
    const { context, page } = await newPage({ viewport: { width: 375, height: 812 } });
    await page.goto(`${base}/publications`);
    await page.getByRole("heading", { name: /publications? found/ }).waitFor();
    const total = Number((await page.locator("#results-heading").textContent()).match(/\d+/)[0]);
    check(total > 0, `anonymous sees ${total} publications`);
    check((await page.locator(".badge-members").count()) === 0, "no members-only badge in the anonymous list");
    await page.getByLabel("Search").fill(title);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No publications match").waitFor();
    check(new URL(page.url()).searchParams.get("q") === title, "the search is in the URL");
    await page.screenshot({ path: artifact("anonymous-search.png"), fullPage: true });
    await page.goto(`${base}/publications/${pubId}`); // a deep link, served by Django's SPA fallback
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    check(true, "the members-only publication is a not-found page for the anonymous visitor");
    await page.screenshot({ path: artifact("anonymous-detail-not-found.png"), fullPage: true });
    await context.close();
  }

  // (b) A member signs in, finds that publication, opens it and downloads its file.
  {
    const { context, page } = await newPage();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
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
    const exported = artifact("result-list.ris");
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
    const saved = artifact(`download-${download.suggestedFilename()}`);
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
    await page.screenshot({ path: artifact("member-publication.png"), fullPage: true });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    check(true, "the member signs out");
    await context.close();
  }
}
