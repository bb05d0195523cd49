import { describe, expect, it } from "vitest";
import { mount } from "@vue/test-utils";
import PaginationNav from "../src/components/PaginationNav.vue";
import AccessBadges from "../src/components/AccessBadges.vue";
import FieldErrors from "../src/components/FieldErrors.vue";
import ErrorMessage from "../src/components/ErrorMessage.vue";
import { ApiError } from "../src/api/client";

describe("PaginationNav", () => {
  it("shows the page and moves by keyboard-operable buttons", async () => {
    const wrapper = mount(PaginationNav, { props: { page: 1, count: 45, pageSize: 20 } });
    expect(wrapper.text()).toContain("Page 1 of 3");
    const [previous, next] = wrapper.findAll("button");
    expect(previous.attributes("disabled")).toBeDefined();
    await next.trigger("click");
    expect(wrapper.emitted("update:page")).toEqual([[2]]);
  });

  it("hides itself for a single page", () => {
    expect(mount(PaginationNav, { props: { page: 1, count: 3, pageSize: 20 } }).find("nav").exists()).toBe(false);
  });
});

describe("AccessBadges", () => {
  it("shows the access level and a future embargo", () => {
    const wrapper = mount(AccessBadges, { props: { access: "members", embargoUntil: "2999-01-01" } });
    expect(wrapper.text()).toContain("Members only");
    expect(wrapper.text()).toContain("Embargoed until 2999-01-01");
  });

  it("drops an embargo that has passed", () => {
    const wrapper = mount(AccessBadges, { props: { access: "public", embargoUntil: "2000-01-01" } });
    expect(wrapper.text()).toBe("Public");
  });
});

describe("errors", () => {
  const error = new ApiError({
    status: 400,
    code: "invalid",
    detail: "email: Enter a valid email address.",
    fields: { email: ["Enter a valid email address."] },
  });

  it("puts a field's error beside its field", () => {
    const wrapper = mount(FieldErrors, { props: { error, field: "email", id: "email-error" } });
    expect(wrapper.get("#email-error").text()).toBe("Enter a valid email address.");
    expect(mount(FieldErrors, { props: { error, field: "password", id: "p" } }).html()).not.toContain("<p");
  });

  it("says when to retry after a 429", () => {
    const throttled = new ApiError({ status: 429, code: "throttled", detail: "Request was throttled.", retry_after: 30 });
    expect(mount(ErrorMessage, { props: { error: throttled } }).get("[role=alert]").text()).toBe(
      "Too many requests. Try again in 30 seconds.",
    );
  });
});
