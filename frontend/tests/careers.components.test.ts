import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { defineComponent, h, ref, type DefineComponent } from "vue";
import { createMemoryHistory, createRouter } from "vue-router";
import { ApiError } from "../src/api/client";
import type { MyProfile, ResumeBook } from "../src/api/careers";

vi.mock("../src/api/careers", () => ({
  uploadCv: vi.fn(),
  deleteCv: vi.fn(),
  myCvUrl: () => "/api/v1/careers/me/cv/",
  setConsent: vi.fn(),
  renewProfile: vi.fn(),
  listMemberCompanies: vi.fn(),
  searchProfiles: vi.fn(),
  listUniversities: vi.fn(),
  requestResumeBook: vi.fn(),
  bookFilters: (q: Record<string, unknown>) => {
    const { page: _p, page_size: _s, ...rest } = q;
    return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)));
  },
  getResumeBook: vi.fn(),
  fileUrl: (p: string) => p,
}));

import * as api from "../src/api/careers";
import SkillsInput from "../src/features/careers/SkillsInput.vue";
import CvSection from "../src/features/careers/CvSection.vue";
import ConsentSection from "../src/features/careers/ConsentSection.vue";
import ProfileSearchView from "../src/features/careers/ProfileSearchView.vue";
import ResumeBookView from "../src/features/careers/ResumeBookView.vue";
import { useResumeBook } from "../src/features/careers/useResumeBook";
import { describeBookError } from "../src/features/careers/bookErrors";

const mocked = vi.mocked(api);

function profile(overrides: Partial<MyProfile> = {}): MyProfile {
  return {
    id: 1,
    student: { id: 9, given_name: "Ana", family_name: "Silva", full_name: "Ana Silva" },
    email: "ana@uni.example",
    university: { id: 2, name: "Westbridge", short_name: "WB", kind: "university" },
    degree: "phd",
    field: "EE",
    expected_graduation: "2027-06",
    research_interests: "",
    summary: "",
    skills: [],
    links: [],
    tasks: [],
    cv: null,
    cv_url: null,
    visible_until: "2027-12-31",
    updated_at: "2026-11-01T10:00:00Z",
    consent: { sharing: false, share_with_all: false, companies: [], changed_at: null },
    renewed_until: null,
    expired: false,
    created_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

function book(overrides: Partial<ResumeBook> = {}): ResumeBook {
  return {
    id: 5, status: "running", progress: 40, total: 10, included: 0, filters: { skills_any: "tcad" }, error: "",
    company: null, requested_by: null, created_at: "2026-11-27T10:00:00Z", started_at: null, finished_at: null,
    expires_at: null, size: null, download_url: null, ...overrides,
  };
}

const apiError = (status: number, detail: string, fields?: Record<string, string[]>, code = "invalid") =>
  new ApiError({ status, code, detail, fields });

beforeEach(() => vi.clearAllMocks());
afterEach(() => vi.useRealTimers());

describe("SkillsInput", () => {
  it("adds skills on Enter and comma lists, once each whatever the case, and removes them", async () => {
    const wrapper = mount(SkillsInput, { props: { modelValue: ["Python"], max: 3, id: "s" } });
    const input = wrapper.find("input");
    await input.setValue("python, TCAD");
    await input.trigger("keydown", { key: "Enter" });
    expect(wrapper.emitted("update:modelValue")?.[0]).toEqual([["Python", "TCAD"]]);
    await wrapper.setProps({ modelValue: ["Python", "TCAD"] });
    await input.setValue("EUV, CMP");
    await wrapper.find("button:not(.remove)").trigger("click");
    expect(wrapper.emitted("update:modelValue")?.[1]).toEqual([["Python", "TCAD", "EUV"]]);
    expect(wrapper.text()).toContain("At most 3 skills.");
    await wrapper.find('button[aria-label="Remove skill Python"]').trigger("click");
    expect(wrapper.emitted("update:modelValue")?.[2]).toEqual([["TCAD"]]);
  });
});

describe("CvSection", () => {
  function choose(wrapper: ReturnType<typeof mount>, file: File) {
    const input = wrapper.find('input[type="file"]');
    Object.defineProperty(input.element, "files", { value: [file], configurable: true });
    return input.trigger("change");
  }
  const pdf = new File(["%PDF-1.4"], "cv.pdf", { type: "application/pdf" });

  it("uploads with a progress bar and reports the new CV", async () => {
    const updated = profile({ cv: { original_name: "cv.pdf", content_type: "application/pdf", size: 8, sha256: "x", uploaded_at: "2026-11-27T10:00:00Z" } });
    mocked.uploadCv.mockImplementation(async (_file, onProgress) => {
      onProgress(0.5);
      return updated;
    });
    const wrapper = mount(CvSection, { props: { profile: profile() } });
    await choose(wrapper, pdf);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(mocked.uploadCv).toHaveBeenCalledWith(pdf, expect.any(Function));
    expect(wrapper.emitted("changed")?.[0]).toEqual([updated]);
    expect(wrapper.find("progress").exists()).toBe(true);
    expect(wrapper.text()).toContain("cv.pdf uploaded.");
  });

  it("shows a too-large file beside the input, with the limit in MB", async () => {
    mocked.uploadCv.mockRejectedValue(apiError(413, "file: the file is 9000000 bytes; the limit is 5242880 bytes.", undefined, "too_large"));
    const wrapper = mount(CvSection, { props: { profile: profile() } });
    await choose(wrapper, pdf);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#cv-file-error").text()).toBe("This file is too large. A CV may be at most 5.0 MB.");
    expect(wrapper.find('input[type="file"]').attributes("aria-invalid")).toBe("true");
  });

  it("refuses a file that is not a PDF before uploading", async () => {
    const wrapper = mount(CvSection, { props: { profile: profile() } });
    await choose(wrapper, new File(["x"], "cv.docx", { type: "application/msword" }));
    expect(wrapper.find("#cv-file-error").text()).toBe("Choose a PDF file.");
    expect(wrapper.find('button[type="submit"]').attributes("disabled")).toBeDefined();
  });
});

describe("ConsentSection", () => {
  it("shares with all companies, or with the chosen ones, and shows the API's field error", async () => {
    mocked.listMemberCompanies.mockResolvedValue({
      count: 2,
      results: [
        { id: 3, name: "Aster", kind: "member", created_at: "", updated_at: "" },
        { id: 4, name: "Helix", kind: "member", created_at: "", updated_at: "" },
      ],
    });
    mocked.setConsent.mockResolvedValue({ sharing: true, share_with_all: true, companies: [], changed_at: null });
    const wrapper = mount(ConsentSection, { props: { profile: profile() } });
    await flushPromises();
    await wrapper.find('input[role="switch"]').setValue(true);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(mocked.setConsent).toHaveBeenLastCalledWith({ sharing: true, share_with_all: true, companies: [] });
    expect(wrapper.emitted("changed")).toHaveLength(1);

    mocked.setConsent.mockRejectedValue(apiError(400, "companies: Choose at least one company", { companies: ["Choose at least one company."] }));
    await wrapper.find('input[value="chosen"]').setValue(true);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(mocked.setConsent).toHaveBeenLastCalledWith({ sharing: true, share_with_all: false, companies: [] });
    expect(wrapper.find("#companies-error").text()).toBe("Choose at least one company.");
    await wrapper.find('input[type="checkbox"][value="4"]').setValue(true);
    mocked.setConsent.mockResolvedValue({ sharing: true, share_with_all: false, companies: [4], changed_at: null });
    await wrapper.find("form").trigger("submit");
    expect(mocked.setConsent).toHaveBeenLastCalledWith({ sharing: true, share_with_all: false, companies: [4] });
  });

  it("says until when the profile is visible, and when it expired", () => {
    const shared = mount(ConsentSection, {
      props: { profile: profile({ consent: { sharing: true, share_with_all: true, companies: [], changed_at: null } }) },
    });
    expect(shared.text()).toContain("Visible to all member companies until");
    const expired = mount(ConsentSection, { props: { profile: profile({ expired: true }) } });
    expect(expired.text()).toContain("Your profile expired on");
  });
});

async function mountWithRouter(component: unknown, path: string, props: Record<string, unknown> = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/careers/search", component: { render: () => null } },
      { path: "/careers/resume-books", component: { render: () => null } },
      { path: "/careers/resume-books/:id", component: { render: () => null } },
      { path: "/careers/profiles/:id", component: { render: () => null } },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(component as DefineComponent<Record<string, unknown>>, { props, global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router };
}

describe("ProfileSearchView", () => {
  it("searches with the URL's filters and orders a resume book of the same search", async () => {
    mocked.listUniversities.mockResolvedValue({ count: 0, results: [] });
    mocked.searchProfiles.mockResolvedValue({
      count: 1,
      results: [{ ...profile({ skills: ["TCAD"] }) }],
    });
    mocked.requestResumeBook.mockResolvedValue(book({ id: 12, status: "queued" }));
    const { wrapper, router } = await mountWithRouter(ProfileSearchView, "/careers/search?skills_any=tcad&degree=ms&degree=phd&page=1");
    expect(mocked.searchProfiles).toHaveBeenCalledWith(
      expect.objectContaining({ skills_any: "tcad", degree: ["ms", "phd"], page: 1 }),
      expect.any(AbortSignal),
    );
    expect((wrapper.find("#skills_any").element as HTMLInputElement).value).toBe("tcad");
    expect(wrapper.text()).toContain("1 profile found");
    expect(wrapper.text()).toContain("Ana Silva");
    await wrapper.findAll("button").find((b) => b.text().startsWith("Request a resume book"))!.trigger("click");
    await flushPromises();
    expect(mocked.requestResumeBook).toHaveBeenCalledWith({ skills_any: "tcad", degree: ["ms", "phd"] });
    expect(router.currentRoute.value.fullPath).toBe("/careers/resume-books/12");
  });

  it("explains a refused resume book in words", async () => {
    mocked.listUniversities.mockResolvedValue({ count: 0, results: [] });
    mocked.searchProfiles.mockResolvedValue({ count: 1, results: [profile()] });
    mocked.requestResumeBook.mockRejectedValue(apiError(409, "3 books", undefined, "too_many_books"));
    const { wrapper } = await mountWithRouter(ProfileSearchView, "/careers/search");
    await wrapper.findAll("button").find((b) => b.text().startsWith("Request a resume book"))!.trigger("click");
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain("already has books being built");
  });
});

describe("resume books", () => {
  it("polls a book until it is ready, then stops", async () => {
    vi.useFakeTimers();
    mocked.getResumeBook
      .mockResolvedValueOnce(book({ status: "queued", progress: 0 }))
      .mockResolvedValueOnce(book({ status: "running", progress: 50 }))
      .mockResolvedValueOnce(book({ status: "ready", progress: 100, download_url: "/d" }));
    let state!: ReturnType<typeof useResumeBook>;
    mount(defineComponent({ setup() { state = useResumeBook(ref(5), 1000); return () => h("div"); } }));
    await flushPromises();
    expect(state.book.value?.status).toBe("queued");
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.book.value?.progress).toBe(50);
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.book.value?.status).toBe("ready");
    await vi.advanceTimersByTimeAsync(5000);
    expect(mocked.getResumeBook).toHaveBeenCalledTimes(3);
  });

  it("shows the live progress, then the download link", async () => {
    mocked.getResumeBook.mockResolvedValueOnce(book({ status: "running", progress: 40, total: 10 }));
    const { wrapper } = await mountWithRouter(ResumeBookView, "/careers/resume-books/5", { id: "5" });
    expect(wrapper.find("progress").attributes("value")).toBe("40");
    expect(wrapper.text()).toContain("4 of 10 profiles processed");
    wrapper.unmount();
    mocked.getResumeBook.mockResolvedValueOnce(book({ status: "ready", progress: 100, total: 2, included: 2, download_url: "/api/v1/careers/resume-books/5/download/" }));
    const ready = await mountWithRouter(ResumeBookView, "/careers/resume-books/5", { id: "5" });
    expect(ready.wrapper.find("a[download]").attributes("href")).toBe("/api/v1/careers/resume-books/5/download/");
    ready.wrapper.unmount();
  });

  it("explains 400, 409 and 410 in words", () => {
    expect(describeBookError(apiError(400, "x", { non_field_errors: ["No shared profile matches these filters."] })))
      .toBe("No shared profile matches these filters.");
    expect(describeBookError(apiError(409, "x", undefined, "not_ready"))).toContain("not ready yet");
    expect(describeBookError(apiError(410, "x", undefined, "expired"))).toContain("expired");
  });
});
