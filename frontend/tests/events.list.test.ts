import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";
import * as api from "../src/api/events";
import { ApiError } from "../src/api/client";
import EventListView from "../src/features/events/EventListView.vue";

vi.mock("../src/api/events", async (original) => ({
  ...(await original<typeof import("../src/api/events")>()),
  listEvents: vi.fn(),
}));
const listEvents = vi.mocked(api.listEvents);

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/events", component: EventListView },
      { path: "/events/:id", component: { render: () => null } },
    ],
  });
  await router.push(url);
  const wrapper = mount(EventListView, { global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router };
}

const event = {
  id: 6, kind: "workshop", title: "Chiplet thermal workshop", starts_at: "2026-12-13T17:00:00Z",
  ends_at: "2026-12-13T23:00:00Z", time_zone: "America/Los_Angeles", location: "Lab 3", audience: "members",
  capacity: 4, status: "published", seats: { confirmed: 4, waitlisted: 3, available: 0 },
  my_registration: { id: 1, status: "waitlisted", position: 2, created_at: "", confirmed_at: null, checked_in_at: null },
};

beforeEach(() => vi.clearAllMocks());

describe("EventListView", () => {
  it("lists upcoming events soonest first, with places and the caller's state", async () => {
    listEvents.mockResolvedValue({ count: 1, results: [event] } as never);
    const { wrapper } = await mountAt("/events");
    expect(listEvents.mock.calls[0][0]).toMatchObject({ past: false, ordering: "starts_at", page: 1 });
    expect(wrapper.get("h2").text()).toBe("1 upcoming event");
    expect(wrapper.text()).toContain("Full — waiting list (3 waiting)");
    expect(wrapper.text()).toContain("You are number 2 on the waiting list.");
    expect(wrapper.get("a[aria-current=page]").text()).toBe("Upcoming");
  });

  it("reads the past tab and the filters from the URL, newest first", async () => {
    listEvents.mockResolvedValue({ count: 0, results: [] } as never);
    const { wrapper } = await mountAt("/events?when=past&kind=webinar&page=2");
    expect(listEvents.mock.calls[0][0]).toMatchObject({ past: true, ordering: "-starts_at", kind: "webinar", page: 2 });
    expect((wrapper.get("#event-kind").element as HTMLSelectElement).value).toBe("webinar");
    expect(wrapper.get("a[aria-current=page]").text()).toBe("Past");
    expect(wrapper.text()).toContain("No past events match.");
  });

  it("puts new filters in the URL and starts again on page 1", async () => {
    listEvents.mockResolvedValue({ count: 0, results: [] } as never);
    const { wrapper, router } = await mountAt("/events?when=past&page=3");
    await wrapper.get("#event-audience").setValue("public");
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ when: "past", audience: "public" });
  });

  it("shows a bad date beside its field", async () => {
    listEvents.mockRejectedValue(
      new ApiError({ status: 400, code: "invalid", detail: "from: Enter a valid date.", fields: { from: ["Enter a valid date."] } }),
    );
    const { wrapper } = await mountAt("/events?from=2026-13-01");
    expect(wrapper.get("#event-from-error").text()).toBe("Enter a valid date.");
    expect(wrapper.get("#event-from").attributes("aria-invalid")).toBe("true");
  });
});
