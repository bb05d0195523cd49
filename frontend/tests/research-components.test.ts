import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";
import { ApiError } from "../src/api/client";
import type { Feedback } from "../src/api/feedback";
import type { Deliverable, Task } from "../src/api/research";
import type { Me } from "../src/api/types";

vi.mock("../src/api/research", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../src/api/research")>()),
  listTasks: vi.fn(),
  listPrograms: vi.fn(async () => [{ id: 2, name: "Lithography" }]),
  listOrganisations: vi.fn(async () => []),
  listDeliverables: vi.fn(),
  uploadReport: vi.fn(),
}));
vi.mock("../src/api/feedback", () => ({
  listFeedback: vi.fn(),
  createFeedback: vi.fn(),
  replyToFeedback: vi.fn(),
  deleteFeedback: vi.fn(),
}));

import * as research from "../src/api/research";
import * as feedbackApi from "../src/api/feedback";
import DeliverableSummaryLine from "../src/features/research/DeliverableSummaryLine.vue";
import FeedbackForm from "../src/features/research/FeedbackForm.vue";
import FeedbackItem from "../src/features/research/FeedbackItem.vue";
import ReportUploadForm from "../src/features/research/ReportUploadForm.vue";
import TaskFeedback from "../src/features/research/TaskFeedback.vue";
import TaskListView from "../src/features/research/TaskListView.vue";
import { addDays, deliverableState, isoToday } from "../src/features/research/options";
import { scopeFor, useWhatIsDue } from "../src/features/research/useWhatIsDue";

const TODAY = "2026-03-15";

function deliverable(overrides: Partial<Deliverable> = {}): Deliverable {
  return {
    id: 1, task: { id: 3, number: "3161.001", title: "EUV" }, title: "Q1 report", kind: "report",
    original_due_on: "2026-03-31", due_on: "2026-03-31", status: "planned", late: false, overdue: false,
    submitted_at: null, submitted_late: false, accepted_at: null, status_reason: "", extensions: [], reports: [],
    can_download: true, can_submit: true, ...overrides,
  } as Deliverable;
}

const task = { id: 3, number: "3161.001", title: "EUV", access: "full" } as Task;

function feedback(overrides: Partial<Feedback> = {}): Feedback {
  return {
    id: 8, task: { id: 3, number: "3161.001", title: "EUV" }, deliverable: null, report: null,
    author: { id: 5, given_name: "Dan", family_name: "Okafor", full_name: "Dan Okafor" },
    organisation: { id: 2, name: "Aster Microdevices", short_name: "Aster", kind: "member" },
    relevance: 5, quality: 4, progress: 3, comment: "Share the data.", hidden: false, hidden_reason: "",
    hidden_at: null, replied_at: null, replies: [], created_at: "2026-03-10T10:00:00Z", updated_at: "2026-03-10T10:00:00Z",
    can_edit: false, can_reply: false, ...overrides,
  } as Feedback;
}

beforeEach(() => vi.clearAllMocks());

describe("deliverableState", () => {
  it.each([
    [{ status: "planned", overdue: true }, "Overdue", "late"],
    [{ status: "planned", due_on: addDays(TODAY, 10) }, "Due soon", "warn"],
    [{ status: "planned", due_on: addDays(TODAY, 90) }, "Upcoming", "muted"],
    [{ status: "submitted" }, "Submitted on time", "ok"],
    [{ status: "submitted", submitted_late: true }, "Submitted late", "warn"],
    [{ status: "accepted", submitted_late: true }, "Accepted (submitted late)", "done"],
    [{ status: "revision_requested" }, "Revision requested", "warn"],
    [{ status: "skipped" }, "Skipped", "muted"],
  ] as const)("reads %o as %s", (overrides, label, tone) => {
    expect(deliverableState(deliverable(overrides as Partial<Deliverable>), TODAY)).toEqual({ label, tone });
  });

  it("counts days in the browser's calendar, not UTC's", () => {
    expect(addDays("2026-03-31", 1)).toBe("2026-04-01");
    expect(isoToday(new Date(2026, 0, 5, 23, 30))).toBe("2026-01-05");
  });
});

describe("DeliverableSummaryLine", () => {
  it("says what is overdue in words", () => {
    const summary = { total: 4, accepted: 1, on_time: 2, late: 1, overdue: 1, due_next_30_days: 1, skipped: 0 };
    const text = mount(DeliverableSummaryLine, { props: { summary } }).text();
    expect(text).toContain("1 overdue");
    expect(text).toContain("4 deliverables · 1 late · 1 due in the next 30 days · 2 on time · 1 accepted");
  });
});

describe("ReportUploadForm", () => {
  const pdf = new File(["%PDF-1.4"], "report.pdf", { type: "application/pdf" });

  async function choose(wrapper: ReturnType<typeof mount>) {
    const input = wrapper.find('input[type="file"]');
    Object.defineProperty(input.element, "files", { value: [pdf] });
    await input.trigger("change");
  }

  it("asks for a file beside the field before uploading", async () => {
    const wrapper = mount(ReportUploadForm, { props: { deliverable: deliverable() } });
    await wrapper.find("form").trigger("submit");
    expect(wrapper.find("#report-1-file-error").text()).toBe("Choose a PDF file.");
    expect(research.uploadReport).not.toHaveBeenCalled();
  });

  it("uploads the chosen file and hands back the updated deliverable", async () => {
    const updated = deliverable({ status: "submitted" });
    vi.mocked(research.uploadReport).mockResolvedValue(updated);
    const wrapper = mount(ReportUploadForm, { props: { deliverable: deliverable() } });
    await choose(wrapper);
    await wrapper.find("textarea").setValue("  First draft  ");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(vi.mocked(research.uploadReport).mock.calls[0].slice(0, 3)).toEqual([1, pdf, "First draft"]);
    expect(wrapper.emitted("uploaded")).toEqual([[updated]]);
    expect(wrapper.text()).toContain("report.pdf was uploaded.");
  });

  it("shows a file that is too large beside the file field", async () => {
    vi.mocked(research.uploadReport).mockRejectedValue(
      new ApiError({ status: 413, code: "too_large", detail: "The file is too large." }),
    );
    const wrapper = mount(ReportUploadForm, { props: { deliverable: deliverable() } });
    await choose(wrapper);
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#report-1-file-error").text()).toBe("The file is too large.");
    expect(wrapper.find('input[type="file"]').attributes("aria-invalid")).toBe("true");
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });
});

describe("FeedbackForm", () => {
  it("wants every score before sending", async () => {
    const wrapper = mount(FeedbackForm, { props: { task, deliverables: [] }, attachTo: document.body });
    await wrapper.find("form").trigger("submit");
    expect(wrapper.find("#feedback-relevance-error").text()).toBe("Choose a score from 1 to 5.");
    expect(feedbackApi.createFeedback).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it("sends numbers and the chosen deliverable", async () => {
    vi.mocked(feedbackApi.createFeedback).mockResolvedValue(feedback());
    const wrapper = mount(FeedbackForm, { props: { task, deliverables: [deliverable({ id: 6 })] } });
    await wrapper.find("#feedback-deliverable").setValue("6");
    await wrapper.find("#feedback-relevance").setValue("5");
    await wrapper.find("#feedback-quality").setValue("4");
    await wrapper.find("#feedback-progress").setValue("2");
    await wrapper.find("#feedback-comment").setValue("Good work.");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(feedbackApi.createFeedback).toHaveBeenCalledWith({
      task: 3, deliverable: 6, relevance: 5, quality: 4, progress: 2, comment: "Good work.",
    });
    expect(wrapper.emitted("created")).toHaveLength(1);
    expect((wrapper.find("#feedback-comment").element as HTMLTextAreaElement).value).toBe("");
  });

  it("shows the API's field errors beside their fields only", async () => {
    vi.mocked(feedbackApi.createFeedback).mockRejectedValue(
      new ApiError({ status: 400, code: "invalid", detail: "comment: too long", fields: { comment: ["Too long."] } }),
    );
    const wrapper = mount(FeedbackForm, { props: { task, deliverables: [] } });
    for (const name of ["relevance", "quality", "progress"]) await wrapper.find(`#feedback-${name}`).setValue("3");
    await wrapper.find("#feedback-comment").setValue("x");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find("#feedback-comment-error").text()).toBe("Too long.");
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });
});

describe("FeedbackItem", () => {
  it("shows scores, the target and the replies", () => {
    const replies = [{ id: 1, author: { id: 9, given_name: "Li", family_name: "Chen", full_name: "Li Chen" }, text: "Will do.", created_at: "2026-03-11T10:00:00Z" }];
    const text = mount(FeedbackItem, { props: { feedback: feedback({ replies, deliverable: { id: 6, title: "Q1 report" } }) } }).text();
    expect(text).toContain("Dan Okafor, Aster");
    expect(text).toContain("On the deliverable “Q1 report”");
    expect(text).toContain("Relevance5 of 5");
    expect(text).toContain("Reply from Li Chen");
    expect(text).toContain("Will do.");
  });

  it("opens a reply form for the investigators and hands back the answered feedback", async () => {
    const answered = feedback({ replied_at: "2026-03-12T10:00:00Z" });
    vi.mocked(feedbackApi.replyToFeedback).mockResolvedValue(answered);
    const wrapper = mount(FeedbackItem, { props: { feedback: feedback({ can_reply: true }) } });
    expect(wrapper.find("textarea").exists()).toBe(false);
    await wrapper.find("button").trigger("click");
    await wrapper.find("textarea").setValue("Thanks.");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(feedbackApi.replyToFeedback).toHaveBeenCalledWith(8, "Thanks.");
    expect(wrapper.emitted("updated")).toEqual([[answered]]);
  });

  it("offers no reply form to others", () => {
    expect(mount(FeedbackItem, { props: { feedback: feedback() } }).find("button").exists()).toBe(false);
  });
});

describe("TaskFeedback", () => {
  const listed = (results: Feedback[]) => ({ count: results.length, next: null, previous: null, results });
  const reply = { id: 1, author: { id: 9, given_name: "Li", family_name: "Chen", full_name: "Li Chen" }, text: "Thanks.", created_at: "2026-03-11T10:00:00Z" };

  it("reads the feedback again for another task, not for the same task read again", async () => {
    vi.mocked(feedbackApi.listFeedback).mockResolvedValue(listed([feedback()]));
    const wrapper = mount(TaskFeedback, { props: { task, deliverables: [] } });
    await flushPromises();
    await wrapper.setProps({ task: { ...task } }); // the task page reads the task again after an upload
    await flushPromises();
    expect(feedbackApi.listFeedback).toHaveBeenCalledTimes(1);
    await wrapper.setProps({ task: { ...task, id: 4 } });
    await flushPromises();
    expect(vi.mocked(feedbackApi.listFeedback).mock.calls.map(([params]) => params.task)).toEqual([3, 4]);
  });

  it("keeps a reply shown when a load begun before it answers after it", async () => {
    let answer: (page: ReturnType<typeof listed>) => void = () => {};
    vi.mocked(feedbackApi.listFeedback)
      .mockResolvedValueOnce(listed([feedback()]))
      .mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const wrapper = mount(TaskFeedback, { props: { task, deliverables: [] } });
    await flushPromises();
    const item = wrapper.findComponent(FeedbackItem);
    item.vm.$emit("removed", 99); // another feedback withdrawn: the list is read again
    item.vm.$emit("updated", feedback({ replies: [reply], replied_at: reply.created_at }));
    await flushPromises();
    answer(listed([feedback()])); // read before the reply was saved
    await flushPromises();
    expect(wrapper.text()).toContain("Reply from Li Chen");
    expect(wrapper.text()).not.toContain("Loading feedback");
  });
});

describe("useWhatIsDue", () => {
  const me = (overrides: Partial<Me>) => ({ id: 1, role: "faculty", is_staff: false, organisation: null, ...overrides }) as Me;
  const page = (results: Deliverable[]) => ({ count: results.length, next: null, previous: null, results });

  it("narrows members to the tasks their company sponsors", () => {
    expect(scopeFor(me({ role: "member", organisation: { id: 4 } as Me["organisation"] }))).toEqual({ sponsor: 4 });
    expect(scopeFor(me({ role: "student" }))).toBeNull();
    expect(scopeFor(null)).toBeNull();
  });

  it("gives faculty what is overdue and what is still owed soon", async () => {
    vi.mocked(research.listDeliverables)
      .mockResolvedValueOnce(page([deliverable({ id: 1, overdue: true })]))
      .mockResolvedValueOnce(page([deliverable({ id: 3, due_on: "2026-04-02" })]))
      .mockResolvedValueOnce(page([deliverable({ id: 2, status: "revision_requested", due_on: "2026-04-01" })]));
    const due = useWhatIsDue();
    await due.load(me({}));
    const calls = vi.mocked(research.listDeliverables).mock.calls.map((c) => c[0]);
    expect(calls[0]).toMatchObject({ overdue: true });
    expect(calls.slice(1).map((q) => q.status)).toEqual(["planned", "revision_requested"]);
    expect(calls[1]).toMatchObject({ overdue: false, due_after: isoToday(), due_before: addDays(isoToday(), 30) });
    expect(due.overdue.value?.count).toBe(1);
    expect(due.dueSoon.value?.items.map((d) => d.id)).toEqual([2, 3]);
    expect(due.dueSoon.value?.count).toBe(2);
  });

  it("gives staff only what is overdue", async () => {
    vi.mocked(research.listDeliverables).mockResolvedValueOnce(page([]));
    const due = useWhatIsDue();
    await due.load(me({ role: "staff", is_staff: true }));
    expect(research.listDeliverables).toHaveBeenCalledTimes(1);
    expect(due.dueSoon.value).toBeNull();
  });
});

describe("TaskListView", () => {
  async function mountAt(url: string) {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: "/tasks", component: TaskListView },
        { path: "/tasks/:id", component: { template: "<p>task</p>" } },
      ],
    });
    await router.push(url);
    const wrapper = mount(TaskListView, { global: { plugins: [router] } });
    await flushPromises();
    return { wrapper, router };
  }

  it("reads the filters from the URL and shows each task's deliverables", async () => {
    vi.mocked(research.listTasks).mockResolvedValue({
      count: 1, next: null, previous: null,
      results: [{
        ...task, program: { id: 2, code: "LITH", name: "Lithography" },
        university: { id: 9, name: "Westbridge", short_name: "WB", kind: "university" },
        principal_investigators: [], status: "active", confidential: false, sponsors: [],
        deliverable_summary: { total: 2, accepted: 0, on_time: 1, late: 1, overdue: 1, due_next_30_days: 0, skipped: 0 },
      } as unknown as Task],
    });
    const { wrapper } = await mountAt("/tasks?q=euv&program=2&page=2&bogus=1");
    expect(research.listTasks).toHaveBeenCalledWith(
      { q: "euv", program: 2, status: undefined, university: undefined, sponsor: undefined, page: 2, page_size: 20 },
      expect.any(AbortSignal),
    );
    expect(wrapper.text()).toContain("1 task found");
    expect(wrapper.text()).toContain("1 overdue");
    expect((wrapper.find("#task-q").element as HTMLInputElement).value).toBe("euv");
  });

  it("puts a new search in the URL, starting on page 1", async () => {
    vi.mocked(research.listTasks).mockResolvedValue({ count: 0, next: null, previous: null, results: [] });
    const { wrapper, router } = await mountAt("/tasks?page=3");
    expect(wrapper.text()).toContain("No tasks match");
    await wrapper.find("#task-status").setValue("active");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ status: "active" });
  });
});
