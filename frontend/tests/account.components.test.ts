import { afterEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";

vi.mock("../src/api/tokens", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../src/api/tokens")>()),
  listTokens: vi.fn(),
  createToken: vi.fn(),
  revokeToken: vi.fn(),
  changePassword: vi.fn(),
}));

import * as api from "../src/api/tokens";
import { ApiError } from "../src/api/client";
import TokenSecret from "../src/features/account/TokenSecret.vue";
import TokenCreateForm from "../src/features/account/TokenCreateForm.vue";
import TokenList from "../src/features/account/TokenList.vue";
import PasswordForm from "../src/features/account/PasswordForm.vue";

const created = {
  id: 9,
  name: "Nightly sync",
  prefix: "wafer_abc123",
  user: 1,
  scopes: ["read"],
  created_at: "2026-11-27T12:00:00Z",
  expires_at: "2027-02-25T12:00:00Z",
  last_used_at: null,
  revoked_at: null,
  active: true,
  token: "wafer_abc123-the-secret",
} as api.ApiTokenCreated;

afterEach(() => vi.clearAllMocks());

describe("TokenSecret", () => {
  it("shows the secret once with a warning, copies it, and lets the person say they stored it", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const wrapper = mount(TokenSecret, { props: { token: created }, attachTo: document.body });
    expect(wrapper.text()).toContain("shown only this once");
    expect((wrapper.find("input").element as HTMLInputElement).value).toBe("wafer_abc123-the-secret");
    expect(wrapper.find("input").attributes("readonly")).toBeDefined();
    expect(document.activeElement?.id).toBe("secret-heading"); // the warning is read first
    await wrapper.findAll("button").find((b) => b.text() === "Copy")!.trigger("click");
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith("wafer_abc123-the-secret");
    expect(wrapper.find("[role=status]").text()).toContain("copied");
    await wrapper.findAll("button").find((b) => b.text() === "I have stored it")!.trigger("click");
    expect(wrapper.emitted("done")).toHaveLength(1);
    wrapper.unmount();
  });

  it("says what to do when the browser refuses the clipboard", async () => {
    Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn().mockRejectedValue(new Error("no")) }, configurable: true });
    const wrapper = mount(TokenSecret, { props: { token: created } });
    await wrapper.findAll("button").find((b) => b.text() === "Copy")!.trigger("click");
    await flushPromises();
    expect(wrapper.find("[role=status]").text()).toContain("copy it yourself");
  });
});

describe("TokenCreateForm", () => {
  it("sends the name, scopes and end of the chosen day, and hands the created token up", async () => {
    vi.mocked(api.createToken).mockResolvedValue(created);
    const wrapper = mount(TokenCreateForm);
    await wrapper.find("#token-name").setValue("Nightly sync");
    await wrapper.find("#scope-write").setValue(true);
    await wrapper.find("#token-expires").setValue("2027-01-31");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    const body = vi.mocked(api.createToken).mock.calls[0][0];
    expect(body.name).toBe("Nightly sync");
    expect(body.scopes).toEqual(["read", "write"]);
    expect(new Date(body.expires_at!).getTime()).toBe(new Date("2027-01-31T23:59:59").getTime());
    expect(wrapper.emitted("created")).toEqual([[created]]);
  });

  it("shows the API's field errors beside their fields, not twice", async () => {
    vi.mocked(api.createToken).mockRejectedValue(
      new ApiError({ status: 400, code: "invalid", detail: "expires_at: too long", fields: { expires_at: ["A token may live at most 365 days."] } }),
    );
    const wrapper = mount(TokenCreateForm);
    await wrapper.find("#token-name").setValue("x");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#token-expires-error").text()).toBe("A token may live at most 365 days.");
    expect(wrapper.find("#token-expires").attributes("aria-invalid")).toBe("true");
    expect(wrapper.find("[role=alert]").exists()).toBe(false);
  });

  it("refuses no scope at all without asking the API", async () => {
    const wrapper = mount(TokenCreateForm);
    await wrapper.find("#token-name").setValue("x");
    await wrapper.find("#scope-read").setValue(false);
    await wrapper.find("form").trigger("submit");
    expect(api.createToken).not.toHaveBeenCalled();
    expect(wrapper.find("#token-scopes-error").text()).toContain("at least one scope");
  });
});

describe("TokenList", () => {
  async function mountList(path = "/account") {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: "/account", component: TokenList }] });
    await router.push(path);
    const wrapper = mount(TokenList, { props: { version: 0 }, global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    return { wrapper, router };
  }

  it("lists active tokens and revokes one only after confirmation", async () => {
    const { token: _secret, ...token } = created;
    vi.mocked(api.listTokens)
      .mockResolvedValueOnce({ count: 1, next: null, previous: null, results: [token] })
      .mockResolvedValueOnce({ count: 0, next: null, previous: null, results: [] });
    vi.mocked(api.revokeToken).mockResolvedValue(undefined);
    const { wrapper } = await mountList();
    expect(vi.mocked(api.listTokens).mock.calls[0][0]).toMatchObject({ active: true, page: 1 });
    expect(wrapper.text()).toContain("Nightly sync");
    expect(wrapper.text()).toContain("Never"); // last used
    await wrapper.find("button[aria-label='Revoke token Nightly sync']").trigger("click");
    expect(api.revokeToken).not.toHaveBeenCalled();
    expect(wrapper.text()).toContain("stop working at once");
    await wrapper.findAll("button").find((b) => b.text() === "Revoke Nightly sync")!.trigger("click");
    await flushPromises();
    expect(api.revokeToken).toHaveBeenCalledWith(9);
    expect(wrapper.find("[role=status]").text()).toContain("was revoked");
    expect(wrapper.text()).toContain("You have no active tokens.");
    wrapper.unmount();
  });

  it("keeps 'show revoked' and the page in the URL", async () => {
    vi.mocked(api.listTokens).mockResolvedValue({ count: 0, next: null, previous: null, results: [] });
    const { wrapper, router } = await mountList("/account?tokens=all&page=2");
    expect(vi.mocked(api.listTokens).mock.calls[0][0]).toMatchObject({ active: undefined, page: 2 });
    await wrapper.find("#tokens-all").setValue(false);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    wrapper.unmount();
  });
});

describe("PasswordForm", () => {
  it("catches a mistyped repeat before asking the API", async () => {
    const wrapper = mount(PasswordForm);
    await wrapper.find("#current-password").setValue("old");
    await wrapper.find("#new-password").setValue("new-passphrase-1");
    await wrapper.find("#repeat-password").setValue("new-passphrase-2");
    await wrapper.find("form").trigger("submit");
    expect(api.changePassword).not.toHaveBeenCalled();
    expect(wrapper.find("#repeat-password-error").text()).toContain("differs");
  });

  it("shows a wrong current password beside its field, and success in a status", async () => {
    vi.mocked(api.changePassword)
      .mockRejectedValueOnce(
        new ApiError({ status: 400, code: "invalid", detail: "x", fields: { current_password: ["This is not your current password."] } }),
      )
      .mockResolvedValueOnce(undefined);
    const wrapper = mount(PasswordForm);
    await wrapper.find("#current-password").setValue("wrong");
    await wrapper.find("#new-password").setValue("new-passphrase-1");
    await wrapper.find("#repeat-password").setValue("new-passphrase-1");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#current-password-error").text()).toBe("This is not your current password.");
    await wrapper.find("#current-password").setValue("right");
    await wrapper.find("#new-password").setValue("new-passphrase-1");
    await wrapper.find("#repeat-password").setValue("new-passphrase-1");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(api.changePassword).toHaveBeenLastCalledWith({ current_password: "right", new_password: "new-passphrase-1" });
    expect(wrapper.find("[role=status]").text()).toContain("was changed");
    expect((wrapper.find("#current-password").element as HTMLInputElement).value).toBe("");
  });
});
