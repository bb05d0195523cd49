import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount, RouterLinkStub } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";
import type { Event, EventFigures, Registration } from "../src/api/events";
import type { Me } from "../src/api/types";
import { ApiError } from "../src/api/client";
import { session } from "../src/session";
import * as api from "../src/api/events";
import RegistrationPanel from "../src/features/events/RegistrationPanel.vue";
import EventCheckInView from "../src/features/events/EventCheckInView.vue";
import YourRegistrationsPanel from "../src/features/events/YourRegistrationsPanel.vue";
import { registrationText, registrationWindow, seatsText } from "../src/features/events/format";

vi.mock("../src/api/events", async (original) => ({
  ...(await original<typeof import("../src/api/events")>()),
  listEvents: vi.fn(),
  getEvent: vi.fn(),
  register: vi.fn(),
  cancelRegistration: vi.fn(),
  listRegistrations: vi.fn(),
  checkIn: vi.fn(),
  getFigures: vi.fn(),
}));
const mocked = vi.mocked(api);

const DAY = 24 * 3600 * 1000;

function makeEvent(overrides: Partial<Event> = {}): Event {
  const starts = new Date(Date.now() + 7 * DAY).toISOString();
  const ends = new Date(Date.now() + 7 * DAY + 3 * 3600 * 1000).toISOString();
  return {
    id: 6, kind: "review", title: "Memory review", description: "", starts_at: starts, ends_at: ends,
    time_zone: "Europe/Berlin", starts_local: starts, ends_local: ends, location: "Dresden", online_link: null,
    audience: "members", capacity: 1, company_cap: null, registration_opens_at: null, registration_closes_at: null,
    status: "published", tasks: [], seats: { confirmed: 1, waitlisted: 0, available: 0 }, my_registration: null,
    sessions: [], ...overrides,
  } as Event;
}

function makeRegistration(overrides: Partial<Registration> = {}): Registration {
  return {
    id: 31, event: 6, person: { id: 5, given_name: "Hannah", family_name: "Weber", full_name: "Hannah Weber" },
    company: { id: 2, name: "Helix Foundry", short_name: "Helix", kind: "member" }, status: "confirmed",
    position: null, created_at: "2026-11-01T10:00:00Z", confirmed_at: "2026-11-01T10:00:00Z", cancelled_at: null,
    checked_in_at: null, ...overrides,
  } as Registration;
}

const member = { id: 5, role: "member", is_staff: false } as unknown as Me;
const staff = { id: 1, role: "staff", is_staff: true } as unknown as Me;

beforeEach(() => vi.clearAllMocks());
afterEach(() => {
  session.me = null;
});

describe("format", () => {
  it("says places left, full with a waiting list, or no limit", () => {
    expect(seatsText(makeEvent({ capacity: 80, seats: { confirmed: 68, waitlisted: 0, available: 12 } }))).toBe(
      "12 of 80 places left",
    );
    expect(seatsText(makeEvent({ seats: { confirmed: 1, waitlisted: 3, available: 0 } }))).toBe(
      "Full — waiting list (3 waiting)",
    );
    expect(seatsText(makeEvent({ capacity: null, seats: { confirmed: 4, waitlisted: 0, available: null } }))).toBe(
      "No limit on places",
    );
  });

  it("states the caller's registration", () => {
    const brief = { id: 1, created_at: "", confirmed_at: null, checked_in_at: null };
    expect(registrationText({ ...brief, status: "waitlisted", position: 3 })).toBe(
      "You are number 3 on the waiting list.",
    );
    expect(registrationText({ ...brief, status: "confirmed", position: null })).toBe("You have a place.");
    expect(registrationText(null)).toBe("");
  });

  it("knows when registration is closed and why", () => {
    expect(registrationWindow(makeEvent())).toEqual({ open: true });
    expect(registrationWindow(makeEvent({ status: "cancelled" }))).toEqual({ open: false, reason: "This event is cancelled." });
    const started = makeEvent({ starts_at: new Date(Date.now() - 1000).toISOString() });
    expect(registrationWindow(started)).toEqual({ open: false, reason: "Registration has closed." });
  });
});

describe("RegistrationPanel", () => {
  const stubs = { global: { stubs: { RouterLink: RouterLinkStub } } };

  it("asks a visitor to sign in, coming back to the event", () => {
    const wrapper = mount(RegistrationPanel, { props: { event: makeEvent() }, ...stubs });
    expect(wrapper.findComponent(RouterLinkStub).props("to")).toEqual({ path: "/sign-in", query: { next: "/events/6" } });
    expect(wrapper.find("button").exists()).toBe(false);
  });

  it("joins the waiting list of a full event and asks the page to reload", async () => {
    session.me = member;
    mocked.register.mockResolvedValue(makeRegistration({ status: "waitlisted", position: 1 }));
    const wrapper = mount(RegistrationPanel, { props: { event: makeEvent() }, ...stubs });
    await wrapper.get("button").trigger("click");
    await flushPromises();
    expect(mocked.register).toHaveBeenCalledWith(6);
    expect(wrapper.emitted("changed")).toHaveLength(1);
    expect(wrapper.get("[role=status]").text()).toBe("You joined the waiting list.");
  });

  it("shows the waiting-list position", () => {
    session.me = member;
    const mine = { id: 31, status: "waitlisted", position: 3, created_at: "", confirmed_at: null, checked_in_at: null } as const;
    const wrapper = mount(RegistrationPanel, { props: { event: makeEvent({ my_registration: mine }) }, ...stubs });
    expect(wrapper.text()).toContain("You are number 3 on the waiting list.");
    expect(wrapper.get("button").text()).toBe("Leave the waiting list");
  });

  it("cancels only after a confirmation", async () => {
    session.me = member;
    mocked.cancelRegistration.mockResolvedValue(makeRegistration({ status: "cancelled" }));
    const mine = { id: 31, status: "confirmed", position: null, created_at: "", confirmed_at: "", checked_in_at: null } as const;
    const wrapper = mount(RegistrationPanel, { props: { event: makeEvent({ my_registration: mine }) }, ...stubs });
    await wrapper.get("button").trigger("click");
    expect(mocked.cancelRegistration).not.toHaveBeenCalled();
    const keep = wrapper.findAll("button").find((b) => b.text() === "Keep my registration")!;
    await keep.trigger("click");
    expect(wrapper.text()).not.toContain("Give up your place?");
    await wrapper.get("button").trigger("click");
    await wrapper.findAll("button").find((b) => b.text() === "Yes, cancel")!.trigger("click");
    await flushPromises();
    expect(mocked.cancelRegistration).toHaveBeenCalledWith(6, 31);
    expect(wrapper.emitted("changed")).toHaveLength(1);
  });

  it("shows a refusal where it happened", async () => {
    session.me = member;
    mocked.register.mockRejectedValue(
      new ApiError({ status: 409, code: "not_eligible", detail: "This event is for members of the consortium." }),
    );
    const wrapper = mount(RegistrationPanel, { props: { event: makeEvent({ seats: { confirmed: 0, waitlisted: 0, available: 1 } }) }, ...stubs });
    expect(wrapper.get("button").text()).toBe("Register");
    await wrapper.get("button").trigger("click");
    await flushPromises();
    expect(wrapper.get("[role=alert]").text()).toContain("This event is for members of the consortium.");
    expect(wrapper.emitted("changed")).toBeUndefined();
  });
});

describe("EventCheckInView", () => {
  const figures = (checkedIn: number): EventFigures => ({ confirmed: 1, waitlisted: 0, cancelled: 1, checked_in: checkedIn, companies: [] });

  async function mountAt(url: string) {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: "/events/:id/check-in", component: EventCheckInView, props: true }, { path: "/:p(.*)*", component: { render: () => null } }],
    });
    await router.push(url);
    const wrapper = mount(EventCheckInView, { props: { id: "6" }, global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    return { wrapper, router };
  }

  it("is a no-access page for people who are not staff", async () => {
    session.me = member;
    const { wrapper } = await mountAt("/events/6/check-in");
    expect(wrapper.text()).toContain("No access");
    expect(mocked.listRegistrations).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it("searches from the URL and checks someone in without a reload", async () => {
    session.me = staff;
    mocked.getEvent.mockResolvedValue(makeEvent());
    mocked.getFigures.mockResolvedValueOnce(figures(0)).mockResolvedValueOnce(figures(1));
    mocked.listRegistrations.mockResolvedValue({ count: 1, results: [makeRegistration()] } as never);
    mocked.checkIn.mockResolvedValue(makeRegistration({ checked_in_at: "2026-12-06T14:05:00Z" }));
    const { wrapper } = await mountAt("/events/6/check-in?q=weber&checked_in=false");
    expect(mocked.listRegistrations).toHaveBeenCalledWith(
      6, { q: "weber", status: undefined, checked_in: false, page: 1, page_size: 50 }, expect.any(AbortSignal),
    );
    expect((wrapper.get("#registration-search").element as HTMLInputElement).value).toBe("weber");
    expect(wrapper.text()).toContain("1 registration found");
    const button = wrapper.get("li.registrant button");
    expect(button.text()).toBe("Check in Hannah Weber");
    await button.trigger("click");
    await flushPromises();
    expect(mocked.checkIn).toHaveBeenCalledWith(6, 31);
    expect(mocked.listRegistrations).toHaveBeenCalledTimes(1);
    expect(wrapper.get("#checked-in-31").text()).toMatch(/^Checked in/);
    expect(document.activeElement?.id).toBe("checked-in-31");
    expect(wrapper.get("[role=status]").text()).toBe("Hannah Weber is checked in.");
    expect(wrapper.findAll(".figures dd").map((d) => d.text())).toEqual(["1 of 1", "0", "1", "1"]);
    wrapper.unmount();
  });

  it("keeps a failed check-in on its row", async () => {
    session.me = staff;
    mocked.getEvent.mockResolvedValue(makeEvent());
    mocked.getFigures.mockResolvedValue(figures(0));
    mocked.listRegistrations.mockResolvedValue({ count: 1, results: [makeRegistration()] } as never);
    mocked.checkIn.mockRejectedValue(new ApiError({ status: 409, code: "event_cancelled", detail: "The event is cancelled." }));
    const { wrapper } = await mountAt("/events/6/check-in");
    await wrapper.get("li.registrant button").trigger("click");
    await flushPromises();
    expect(wrapper.get("li.registrant [role=alert]").text()).toBe("The event is cancelled.");
    wrapper.unmount();
  });
});

describe("YourRegistrationsPanel", () => {
  const stubs = { global: { stubs: { RouterLink: RouterLinkStub } } };

  it("lists upcoming events the person holds a place or waits for", async () => {
    const waiting = { id: 1, status: "waitlisted", position: 2, created_at: "", confirmed_at: null, checked_in_at: null } as const;
    mocked.listEvents.mockResolvedValue({ count: 1, results: [makeEvent({ my_registration: waiting })] } as never);
    const wrapper = mount(YourRegistrationsPanel, stubs);
    await flushPromises();
    expect(mocked.listEvents).toHaveBeenCalledWith({ registered: true, past: false, ordering: "starts_at", page_size: 5 });
    expect(wrapper.text()).toContain("Memory review");
    expect(wrapper.text()).toContain("You are number 2 on the waiting list.");
  });

  it("says so when there are none", async () => {
    mocked.listEvents.mockResolvedValue({ count: 0, results: [] } as never);
    const wrapper = mount(YourRegistrationsPanel, stubs);
    await flushPromises();
    expect(wrapper.text()).toContain("You are not registered for any upcoming events.");
  });
});
