// A student with no careers profile creates one, uploads a CV and shares it with every member company;
// a recruiter finds them by a skill, opens the profile, downloads the CV, orders a resume book of the
// search, watches it being built and downloads the ZIP; the student then sees that the company looked.
import { readFileSync } from "node:fs";
import { injectAxe } from "../harness.mjs";


const RECRUITER = "recruiter@aster.example.com";
const SKILL = "Zeptoscale interferometry"; // no demo profile has it: the search finds only our student
const PDF = Buffer.concat([
  Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"),
  Buffer.alloc(200 * 1024, " "), // big enough for the upload to report progress on the way
  Buffer.from("\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
]);

/** axe-core over the screen as it stands: no serious or critical violation. */
async function accessible(page, check, what) {
  await injectAxe(page);
  const violations = (await page.evaluate(() => window.axe.run(document.querySelector("main"), { resultTypes: ["violations"] })))
    .violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  check(!violations.length, `${what}: no serious accessibility violation ${violations.join("; ")}`);
}

export default async function careers({ base, newPage, signIn, manage, check, log, artifact }) {
  // A generated student in the "no profile" state (api/careers/demo.py).
  const [email, fullName] = manage(
    "from api.accounts.models import User; " +
      "u = User.objects.filter(role='student', is_active=True, career_profile__isnull=True, " +
      "email__regex=r'^student[0-9]{3}@').order_by('email').first(); print(u.email, u.full_name, sep='\\t')",
  ).split("\t");
  log(`student without a profile: ${email} (${fullName})`);

  // (a) The student creates the profile, uploads a CV and shares it, on a phone-sized screen.
  {
    const { context, page } = await newPage({ viewport: { width: 375, height: 812 } });
    await signIn(page, email);
    await page.getByText("You have no careers profile yet").waitFor();
    check(true, "the home panel says there is no profile yet");
    await page.getByRole("link", { name: "Create my careers profile" }).click();
    await page.getByRole("heading", { level: 1, name: "My careers profile" }).waitFor();
    await page.getByLabel("Degree").selectOption("phd");
    await page.getByLabel("Field of study").fill("Electrical Engineering");
    await page.getByLabel("Expected graduation").fill("2027-06");
    await page.getByLabel("Summary").fill("PhD candidate working on interferometric metrology of nanosheets.");
    await page.getByRole("button", { name: "Add a link" }).click();
    await page.getByRole("textbox", { name: "Link 1" }).fill("not a web address");
    await page.getByRole("textbox", { name: "Skills", exact: true }).fill(SKILL);
    await page.getByRole("textbox", { name: "Skills", exact: true }).press("Enter");
    await page.getByRole("textbox", { name: "Skills", exact: true }).fill("Python, Metrology");
    await page.getByRole("button", { name: "Add skill" }).click();
    check((await page.getByRole("list", { name: "Your skills" }).getByRole("listitem").count()) === 3, "three skills as tags");
    await page.getByRole("button", { name: "Create profile" }).click();
    await page.locator("#links-error").filter({ hasText: "Link 1" }).waitFor();
    check(true, "a bad link is refused beside the links");
    await page.getByRole("textbox", { name: "Link 1" }).fill("https://example.org/zeptoscale");
    await page.getByRole("button", { name: "Create profile" }).click();
    await page.getByRole("heading", { name: "CV", exact: true }).waitFor();
    check(await page.getByRole("button", { name: "Save profile" }).isVisible(), "the profile is created");

    await page.getByLabel("Your CV (PDF)").setInputFiles({ name: "my-cv.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Upload CV" }).click();
    await page.getByRole("status").filter({ hasText: "my-cv.pdf uploaded." }).waitFor();
    const progress = await page.getByRole("progressbar", { name: "CV upload" }).getAttribute("value");
    check(progress === "100", `the upload progress bar reached ${progress}%`);
    check(await page.getByRole("link", { name: "my-cv.pdf" }).isVisible(), "the current CV is shown");

    await page.getByRole("switch", { name: "Share my profile with member companies" }).check();
    await page.getByLabel("Only the companies I choose").check();
    await page.getByRole("button", { name: "Save sharing choice" }).click();
    await page.locator("#companies-error").waitFor();
    check(true, "choosing no company is refused beside the list");
    await page.getByLabel(/All member companies/).check();
    await page.getByRole("button", { name: "Save sharing choice" }).click();
    await page.getByText(/Visible to all member companies until/).waitFor();
    await page.getByText("Sharing turned on").waitFor();
    check(true, "sharing with all companies is on and in the consent history");
    // The page's own content (the shared header is AppLayout's: see the report).
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll("main *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.querySelector("*"))
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
    );
    check(!overflow.length, `nothing is wider than the phone screen ${overflow.slice(0, 5).join(", ")}`);
    await accessible(page, check, "the student's profile page");
    await page.screenshot({ path: artifact("careers-student-profile.png"), fullPage: true });
    await context.close();
  }

  // (b) The recruiter searches by the skill, opens the profile and downloads the CV.
  {
    const { context, page } = await newPage();
    await signIn(page, RECRUITER);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Careers" }).click();
    await page.getByRole("heading", { level: 1, name: "Search student profiles" }).waitFor();
    await page.getByLabel("Any of these skills").fill(SKILL);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("heading", { name: "1 profile found" }).waitFor();
    check(new URL(page.url()).searchParams.get("skills_any") === SKILL, "the search is in the URL");
    await accessible(page, check, "the search");
    await page.screenshot({ path: artifact("careers-recruiter-search.png"), fullPage: true });
    await page.getByRole("link", { name: fullName }).click();
    await page.getByRole("heading", { level: 1, name: fullName }).waitFor();
    check(await page.getByText(SKILL).isVisible(), "the profile shows the skill");
    await accessible(page, check, "the profile page");
    const [cv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CV" }).click()]);
    const cvPath = artifact(`careers-${cv.suggestedFilename()}`);
    await cv.saveAs(cvPath);
    check(readFileSync(cvPath).subarray(0, 8).toString() === "%PDF-1.4", `the CV downloads (${cv.suggestedFilename()})`);

    // (c) A resume book of the same search: built in the background, followed live, downloaded.
    await page.getByRole("link", { name: "← Search" }).click();
    await page.getByRole("heading", { name: "1 profile found" }).waitFor();
    await page.getByRole("button", { name: "Request a resume book of these results" }).click();
    await page.waitForURL(/\/careers\/resume-books\/\d+$/);
    await page.getByRole("heading", { level: 1, name: /Resume book \d+/ }).waitFor();
    const zipLink = page.getByRole("link", { name: "Download resume book (ZIP)" });
    const bar = page.getByRole("progressbar", { name: "Resume book progress" });
    // A one-profile book may be built before the first poll answers: then there is no bar to see.
    await bar.or(zipLink).first().waitFor();
    if (await bar.isVisible()) {
      check(true, `the book is being built (${await page.getByRole("heading", { name: /^Status/ }).textContent()})`);
    } else {
      log("the book was ready at the first poll");
    }
    await zipLink.waitFor({ timeout: 90_000 });
    check(await page.getByText("1 profile in the book").isVisible(), "the book is ready with our student");
    const [zip] = await Promise.all([page.waitForEvent("download"), zipLink.click()]);
    const zipPath = artifact(`careers-${zip.suggestedFilename()}`);
    await zip.saveAs(zipPath);
    check(readFileSync(zipPath).subarray(0, 2).toString() === "PK", `the resume book is a ZIP (${zip.suggestedFilename()})`);
    await accessible(page, check, "the resume book page");
    await page.screenshot({ path: artifact("careers-resume-book.png"), fullPage: true });
    await page.getByRole("link", { name: "← Resume books" }).click();
    await page.getByRole("heading", { level: 1, name: "Resume books" }).waitFor();
    await page.locator(".badge.state-ready").first().waitFor();
    check(true, "the list shows the ready book");
    await accessible(page, check, "the list of resume books");
    await context.close();
  }

  // (d) The student sees which company looked.
  {
    const { context, page } = await newPage();
    await signIn(page, email);
    await page.goto(`${base}/careers/profile`);
    await page.getByRole("heading", { name: "Who viewed my CV" }).waitFor();
    await page.getByRole("cell", { name: "Downloaded your CV" }).first().waitFor();
    check(await page.getByRole("cell", { name: /Aster/ }).first().isVisible(), "the student sees that Aster looked");
    await page.screenshot({ path: artifact("careers-student-views.png"), fullPage: true });
    await context.close();
  }
}
