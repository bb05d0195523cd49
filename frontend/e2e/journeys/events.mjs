// A full event: a member joins the waiting list and sees their place in it; the member who holds
// the only place cancels; the waiting member gets the place automatically; staff check them in.
import { readFileSync } from "node:fs";
import { injectAxe } from "../harness.mjs";


const WAITING = "liaison@helix.example.com";
const HOLDER = "liaison@quanta.example.com";
const STAFF = "staff@wafer.example";
const TITLE = "Memory program review: FeRAM and MRAM";

export default async function events({ base, newPage, signIn, manage, check, artifact }) {
  /** axe-core on the page as it is: serious and critical problems fail the journey. */
  async function accessible(page, where) {
    await injectAxe(page);
    const problems = await page.evaluate(async () =>
      (await window.axe.run(document, { resultTypes: ["violations"] })).violations
        .filter((v) => ["serious", "critical"].includes(v.impact))
        .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    );
    check(problems.length === 0, `no serious accessibility problems on ${where}${problems.length ? `: ${problems.join("; ")}` : ""}`);
  }

  // The demo seats Quanta's liaison at this review, which has no capacity: one place makes it full.
  const arranged = manage(
    "from api.events.models import Event, Registration as R; from api.events import services; " +
      "from api.accounts.models import User; " +
      `e = Event.objects.get(title=${JSON.stringify(TITLE)}); ` +
      "n = R.objects.filter(event=e, status='confirmed').count(); " +
      "services.event_set_seats(event=e, capacity=n); " +
      `print(e.pk, n, User.objects.get(email=${JSON.stringify(WAITING)}).full_name, sep='\\t')`,
  ).split("\t");
  const [eventId, seats, waitingName] = [Number(arranged[0]), Number(arranged[1]), arranged[2]];
  check(seats === 1, `"${TITLE}" is full with ${seats} place`);

  // (a) Member A, on a phone, finds the full event in the list and joins the waiting list.
  const a = await newPage({ viewport: { width: 375, height: 812 } });
  await signIn(a.page, WAITING);
  await a.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Events" }).click();
  await a.page.getByRole("heading", { level: 2, name: /upcoming events?$/ }).waitFor();
  const row = a.page.getByRole("listitem").filter({ has: a.page.getByRole("link", { name: TITLE }) });
  await row.getByText("Full — waiting list").waitFor();
  check(true, "the list says the event is full, with a waiting list");
  await a.page.screenshot({ path: artifact("events-list-375.png"), fullPage: true });
  await accessible(a.page, "the event list at 375 px");
  check(
    // The screen's own content; the shared header is AppLayout's business.
    await a.page.evaluate(() =>
      [...document.querySelectorAll("main h1 ~ *, main h1 ~ * *")].every((el) => el.getBoundingClientRect().right <= window.innerWidth),
    ),
    "the event list fits 375 px without scrolling sideways",
  );
  await a.page.getByRole("link", { name: "Past" }).click();
  await a.page.getByRole("heading", { level: 2, name: /past events?$/ }).waitFor();
  check(new URL(a.page.url()).searchParams.get("when") === "past", "the past tab is kept in the URL");
  await a.page.goBack();
  await a.page.getByRole("link", { name: TITLE }).click();
  await a.page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  await a.page.getByRole("button", { name: "Join the waiting list" }).click();
  await a.page.getByText("You are number 1 on the waiting list.").waitFor();
  check(true, "member A is waitlisted and sees the position");
  await a.page.screenshot({ path: artifact("events-waitlisted.png"), fullPage: true });
  await accessible(a.page, "the event page");

  // (b) Member B, who holds the place, cancels it after confirming.
  const b = await newPage();
  await signIn(b.page, HOLDER);
  await b.page.goto(`${base}/events/${eventId}`);
  await b.page.getByText("You have a place.").waitFor();
  await b.page.getByRole("button", { name: "Cancel my registration" }).click();
  await b.page.getByRole("button", { name: "Keep my registration" }).click();
  check(await b.page.getByText("You have a place.").isVisible(), "keeping the registration changes nothing");
  await b.page.getByRole("button", { name: "Cancel my registration" }).click();
  await b.page.getByRole("button", { name: "Yes, cancel" }).click();
  await b.page.getByText("You cancelled your registration.").waitFor();
  check(true, "member B cancels through a confirmation");
  // The freed place went to A at once, so the event is full again for B.
  await b.page.getByRole("button", { name: "Join the waiting list" }).waitFor();
  check(true, "the freed place went to the waiting list");
  await b.context.close();

  // (c) Member A reloads: promoted to a confirmed place, and the home page lists it.
  await a.page.reload();
  await a.page.getByText("You have a place.").waitFor();
  check(true, "member A was promoted to a confirmed place");
  const [ics] = await Promise.all([
    a.page.waitForEvent("download"),
    a.page.getByRole("link", { name: "Add to calendar (.ics)" }).click(),
  ]);
  const icsPath = artifact(`events-${ics.suggestedFilename()}`);
  await ics.saveAs(icsPath);
  check(readFileSync(icsPath, "utf8").includes("BEGIN:VEVENT"), `the event downloads as ${ics.suggestedFilename()}`);
  await a.page.getByRole("button", { name: "Get my calendar feed link" }).click();
  const subscribe = a.page.getByRole("link", { name: "Subscribe in your calendar app" });
  await subscribe.waitFor();
  check((await subscribe.getAttribute("href")).startsWith("webcal://"), "the subscribe link is a webcal:// link");
  const feedUrl = await a.page.getByLabel("Feed address (for calendars that ask for a URL)").inputValue();
  const feed = await (await fetch(feedUrl)).text();
  check(feed.includes("STATUS:CONFIRMED") && feed.includes("FeRAM"), "the personal feed has the confirmed event");
  await a.page.goto(`${base}/`);
  const panel = a.page.getByRole("region", { name: "Your registrations" });
  await panel.getByRole("link", { name: TITLE }).waitFor();
  check(await panel.getByText("You have a place.").first().isVisible(), "the home panel lists the confirmed place");
  await a.context.close();

  // (d) Staff open check-in, find A and check them in by keyboard; the figures follow.
  const s = await newPage();
  await signIn(s.page, STAFF);
  await s.page.goto(`${base}/events/${eventId}`);
  await s.page.getByRole("link", { name: "Check-in and figures" }).click();
  await s.page.getByRole("heading", { level: 1, name: `Check-in: ${TITLE}` }).waitFor();
  const figure = (name) => s.page.locator(".figures div").filter({ has: s.page.getByText(name, { exact: true }) }).locator("dd");
  check((await figure("Registered").textContent()).trim() === "1 of 1", "figures: 1 of 1 registered");
  await s.page.getByLabel("Find a person").fill(waitingName.split(" ").at(-1));
  await s.page.getByRole("button", { name: "Search" }).click();
  await s.page.getByRole("heading", { level: 2, name: "1 registration found" }).waitFor();
  check(new URL(s.page.url()).searchParams.get("q") !== null, "the search is in the URL");
  const button = s.page.getByRole("button", { name: `Check in ${waitingName}` });
  await button.focus();
  await s.page.keyboard.press("Enter");
  await s.page.getByText(/^\s*Checked in /).waitFor();
  check(true, `${waitingName} is checked in without a reload`);
  await s.page.waitForFunction(() =>
    [...document.querySelectorAll(".figures div")].some((d) => /Checked in\s*1$/.test(d.textContent.trim())),
  );
  check(true, "figures: 1 checked in");
  await accessible(s.page, "the check-in page");
  await s.page.screenshot({ path: artifact("events-check-in.png"), fullPage: true });
  await s.context.close();
}
