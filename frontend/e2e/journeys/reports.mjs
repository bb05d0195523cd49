// Staff read the publications and deliverables reports (chart, table, filters in the URL, CSV); a
// member company's liaison reads the events report and sees their own company's figures.
import { readFileSync } from "node:fs";

const STAFF = "staff@wafer.example";
const MEMBER = "liaison@aster.example.com";

async function openReport(page, check, title) {
  await page.getByRole("heading", { level: 1, name: `${title} report` }).waitFor();
  await page.getByRole("table").first().waitFor();
  const canvas = page.locator("canvas[role=img]");
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  check(box && box.width > 100 && box.height > 100, `the ${title} chart is drawn (${Math.round(box?.width)}×${Math.round(box?.height)})`);
  // Chart.js has drawn when the canvas holds non-blank pixels.
  const painted = await canvas.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  });
  check(painted, `the ${title} chart has pixels`);
  check(/table below/.test(await canvas.getAttribute("aria-label")), "the chart has an accessible name pointing to the table");
  const rows = await page.locator("table").first().locator("tbody tr").count();
  check(rows > 0, `the ${title} table has ${rows} rows`);
  return rows;
}

export default async function reports({ base, newPage, signIn, manage, check, checkFits375, log, artifact }) {
  // (a) Staff: the publications report, filtered by dates kept in the URL, downloaded as CSV.
  {
    const { context, page } = await newPage();
    page.on("pageerror", (error) => log(`page error: ${error.message}`));
    await signIn(page, STAFF);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { level: 1, name: "Reports" }).waitFor();
    await page.locator("main").getByRole("link", { name: "Publications", exact: true }).click();
    await openReport(page, check, "Publications");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const saved = artifact("publications-report.csv");
    await csv.saveAs(saved);
    const lines = readFileSync(saved, "utf8").trim().split(/\r?\n/);
    check(lines[0] === "year,program_id,program_code,program_name,kind,publications", `the CSV header is ${lines[0]}`);
    check(lines.length > 1, `the CSV has ${lines.length - 1} rows`);

    const year = Number(manage("from api.publications.models import Publication as P; print(max(P.objects.values_list('year', flat=True)))"));
    await page.getByLabel("From").fill(`${year}-01-01`);
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.waitForURL((url) => url.searchParams.get("from") === `${year}-01-01`);
    await page.getByRole("table").first().waitFor();
    const years = await page.locator("table").first().locator("tbody tr td:first-child").allTextContents();
    check(years.length > 0 && years.every((y) => y.trim() === String(year)), `from ${year} leaves only ${year}'s rows`);
    await page.reload(); // the filters survive a reload: they live in the URL
    check((await page.getByLabel("From").inputValue()) === `${year}-01-01`, "the From date is read back from the URL");
    await page.screenshot({ path: artifact("staff-publications-report.png"), fullPage: true });

    await page.getByLabel("To").fill(`${year - 1}-01-01`);
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.locator("#report-from-error").filter({ hasText: "after" }).waitFor();
    check(true, "`from` after `to` is shown beside the From field");

    await page.getByRole("link", { name: "← Reports" }).click();
    await page.locator("main").getByRole("link", { name: "Deliverables", exact: true }).click();
    await openReport(page, check, "Deliverables");
    await page.getByLabel("One row per", { exact: true }).selectOption("task");
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.getByRole("columnheader", { name: "Task title" }).waitFor();
    check(new URL(page.url()).searchParams.get("group_by") === "task", "the grouping is in the URL");
    await openReport(page, check, "Deliverables");
    await page.screenshot({ path: artifact("staff-deliverables-report.png"), fullPage: true });

    // Every other report and grouping answers with figures or says there are none, never an error.
    for (const [name, title, groupings] of [
      ["usage", "Downloads and views", ["month", "company", "publication"]],
      ["events", "Events", ["event", "company"]],
      ["careers", "Careers", ["graduation", "company"]],
    ]) {
      for (const groupBy of groupings) {
        await page.goto(`${base}/reports/${name}?group_by=${groupBy}`);
        await page.getByRole("heading", { level: 1, name: `${title} report` }).waitFor();
        await page.locator("main table, main :text('No figures for these dates')").first().waitFor();
        check((await page.getByRole("alert").count()) === 0, `${name} by ${groupBy}: ${await page.locator("main table").first().locator("tbody tr").count()} rows, no error`);
      }
    }
    await page.screenshot({ path: artifact("staff-careers-report.png"), fullPage: true });
    await context.close();
  }

  // (b) A member company's liaison: their own company's event figures, and the consortium's.
  {
    const [orgName, registered] = manage(
      "from api.accounts.models import User; from api.events.models import Registration as R; " +
        `u = User.objects.get(email='${MEMBER}'); o = u.organisation; ` +
        "print(o.name, R.objects.filter(company=o, status__in=['confirmed', 'waitlisted']).count(), sep='\\t')",
    ).split("\t");
    const { context, page } = await newPage({ viewport: { width: 375, height: 812 } });
    await signIn(page, MEMBER);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page.locator("main").getByRole("link", { name: "Events", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Events report" }).waitFor();
    await page.getByText(`Figures for ${orgName}.`).waitFor();
    check(true, `the member sees figures for ${orgName}`);
    if (Number(registered) > 0) {
      await openReport(page, check, "Events");
      const total = await page.locator("table").first().locator("tfoot td").first().textContent();
      check(Number(total.replace(/\D/g, "")) === Number(registered), `the total registered (${total}) is ${orgName}'s ${registered}`);
    } else {
      await page.getByText("No figures for these dates").waitFor();
      check(true, `${orgName} has no registrations: the empty state shows`);
    }
    await page.getByRole("heading", { name: "Your company and the consortium" }).waitFor();
    await checkFits375(page, "the report's content");
    check(await page.getByRole("columnheader", { name: "All organisations" }).isVisible(), "the consortium totals are beside the company's");
    await page.screenshot({ path: artifact("member-events-report.png"), fullPage: true });
    await context.close();
  }
}
