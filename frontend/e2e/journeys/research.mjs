// A sponsor's liaison gives feedback on a task; the task's investigator sees what is due, submits
// a progress report (a wrong file first, refused beside the field) and replies; staff accept the
// report; the liaison reads the reply.

const FIND = `
from api.accounts.models import User
from api.research.models import ResearchTask
for t in ResearchTask.objects.filter(confidential=False, status="active").order_by("number"):
    d = t.deliverables.filter(status="planned").order_by("due_on", "id").first()
    pi = t.principal_investigators.order_by("id").first()
    m = User.objects.filter(role="member", is_active=True, email__startswith="liaison@",
                            organisation__in=t.sponsors.filter(active=True)).order_by("id").first()
    if d and pi and m:
        print(t.pk, t.number, t.title, d.pk, d.title, pi.email, m.email, m.full_name, sep="\\t")
        break
`;

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

export default async function research({ base, newPage, signIn, manage, check, artifact }) {
  const [taskId, number, title, , deliverableTitle, piEmail, memberEmail, memberName] = manage(FIND).split("\t");
  check(Boolean(taskId && piEmail && memberEmail), `task ${number} (PI ${piEmail}, sponsor's liaison ${memberEmail})`);
  const comment = `Journey feedback ${Date.now()}: please share the raw measurements with the sponsors.`;
  const reply = "Thank you: the raw data goes out with the next report.";

  // (a) The sponsor's liaison finds the task through the list and gives feedback.
  {
    const { context, page } = await newPage({ viewport: { width: 375, height: 812 } });
    await signIn(page, memberEmail);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Research" }).click();
    await page.getByRole("heading", { level: 1, name: "Research tasks" }).waitFor();
    await page.getByLabel("Search", { exact: true }).fill(number);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("heading", { name: "1 task found" }).waitFor();
    check(new URL(page.url()).searchParams.get("q") === number, "the task search is in the URL");
    await page.getByRole("link", { name: `${number}: ${title}` }).click();
    await page.getByRole("heading", { level: 1, name: `${number}: ${title}` }).waitFor();
    await page.getByRole("article", { name: deliverableTitle }).waitFor();
    check(true, "the timeline lists the deliverables");
    check((await page.getByRole("button", { name: "Upload report" }).count()) === 0, "a liaison cannot upload reports");

    await page.getByRole("button", { name: "Send feedback" }).click();
    await page.locator("#feedback-relevance-error").getByText("Choose a score from 1 to 5.").waitFor();
    check(true, "a missing score is shown beside its field");
    await page.getByLabel("Relevance to your company").selectOption("5");
    await page.getByLabel("Quality of the work").selectOption("4");
    await page.getByLabel("Progress against the plan").selectOption("3");
    await page.getByLabel("Comment", { exact: true }).fill(comment);
    await page.getByRole("button", { name: "Send feedback" }).click();
    await page.getByRole("status").filter({ hasText: "your feedback was sent" }).waitFor();
    await page.getByText(comment).waitFor();
    check(true, "the feedback is listed on the task page");
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > 376).map((e) => e.tagName + "." + e.className).slice(0, 5),
    );
    check(wide.length === 0, `the task page fits 375 px (${wide.join(", ") || "nothing wider"})`);
    await page.screenshot({ path: artifact("research-member-feedback.png"), fullPage: true });
    await context.close();
  }

  // (b) The task's investigator sees what is due, submits a report and replies to the feedback.
  {
    const { context, page } = await newPage();
    await signIn(page, piEmail);
    const panel = page.getByRole("region", { name: "What is due" });
    await panel.getByRole("heading", { name: /^Overdue/ }).waitFor();
    const due = await panel.getByRole("listitem").count();
    check(due > 0, `the home page shows ${due} deliverables overdue or due soon`);
    await page.screenshot({ path: artifact("research-pi-home.png"), fullPage: true });

    await page.goto(`${base}/tasks/${taskId}`);
    const item = page.getByRole("article", { name: deliverableTitle });
    await item.waitFor();
    const fileInput = item.getByLabel(/Report file \(PDF\)/);
    await fileInput.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a pdf") });
    await item.getByRole("button", { name: "Upload report" }).click();
    await item.locator(".field-error").waitFor();
    check(true, `a file that is not a PDF is refused beside the field: "${await item.locator(".field-error").textContent()}"`);

    await fileInput.setInputFiles({ name: "progress-report.pdf", mimeType: "application/pdf", buffer: PDF });
    await item.getByRole("button", { name: "Upload report" }).click();
    await item.getByRole("link", { name: "Download progress-report.pdf" }).waitFor();
    const state = await item.locator(".badge").first().textContent();
    check(/Submitted/.test(state), `the report is listed and the deliverable reads "${state}"`);

    const feedback = page.getByRole("article", { name: new RegExp(`^${memberName}`) }).filter({ hasText: comment });
    await feedback.waitFor();
    check(true, "the investigator reads the liaison's feedback");
    await feedback.getByRole("button", { name: `Reply to ${memberName}` }).click();
    await feedback.getByLabel("Your reply").fill(reply);
    await feedback.getByRole("button", { name: "Send reply" }).click();
    await feedback.getByText(reply).waitFor();
    // Waited for, not read at once: the feedback list is fetched again after the reply, and for a moment
    // the block may be re-rendered between the reply's text and its "Reply from" line.
    await feedback.getByText(/^Reply from/).waitFor({ timeout: 5000 });
    check(true, "the reply is shown under the feedback");
    await page.screenshot({ path: artifact("research-pi-task.png"), fullPage: true });
    await context.close();
  }

  // (c) Staff accept the submitted report from the task's timeline.
  {
    const { context, page } = await newPage();
    await signIn(page, "staff@wafer.example");
    await page.goto(`${base}/tasks/${taskId}`);
    const item = page.getByRole("article", { name: deliverableTitle });
    await item.getByRole("button", { name: "Accept", exact: true }).click();
    await item.getByText(/^Accepted/).first().waitFor();
    check(
      (await page.getByRole("status").filter({ hasText: `“${deliverableTitle}” was accepted.` }).count()) === 1,
      `staff accept the report; the deliverable reads "${await item.locator(".badge").first().textContent()}"`,
    );
    await context.close();
  }

  // (d) The liaison sees the reply, on the task and in the feedback list (filtered to replied).
  {
    const { context, page } = await newPage();
    await signIn(page, memberEmail);
    await page.goto(`${base}/tasks/${taskId}`);
    const feedback = page.getByRole("article").filter({ hasText: comment });
    await feedback.getByText(reply).waitFor();
    check(true, "the liaison sees the investigator's reply on the task page");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Feedback" }).click();
    await page.getByLabel("Task", { exact: true }).selectOption({ label: `${number}: ${title}` });
    await page.getByLabel("Reply", { exact: true }).selectOption("true");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/has_reply=true/);
    // Unanswered feedback (the demo has some) leaves the list once the filter applies.
    await page.waitForFunction(
      () => !document.querySelector("main").innerText.includes("No reply yet.") &&
        /of feedback$/.test(document.querySelector("#results-heading").textContent),
    );
    await page.getByRole("article").filter({ hasText: comment }).getByText(reply).waitFor();
    check(true, "the list, filtered to answered feedback, shows the reply");
    const params = new URL(page.url()).searchParams;
    check(params.get("task") === taskId && params.get("has_reply") === "true", "the feedback filters are in the URL");
    await page.screenshot({ path: artifact("research-member-sees-reply.png"), fullPage: true });
    await context.close();
  }
}
