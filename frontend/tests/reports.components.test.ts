import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";

// Chart.js needs a real canvas; the component's job is to feed it, name it, and clean it up.
const chartInstances: { config: any; destroy: ReturnType<typeof vi.fn>; update: ReturnType<typeof vi.fn> }[] = [];
vi.mock("chart.js", () => {
  class Chart {
    static register = vi.fn();
    config: any;
    data: any;
    options: any;
    destroy = vi.fn();
    update = vi.fn();
    constructor(_canvas: unknown, config: any) {
      this.config = config;
      this.data = config.data;
      this.options = config.options;
      chartInstances.push(this as any);
    }
  }
  const element = (name: string) => ({ id: name });
  return {
    Chart,
    BarController: element("bar"),
    BarElement: element("barElement"),
    CategoryScale: element("category"),
    LinearScale: element("linear"),
    Legend: element("legend"),
    Tooltip: element("tooltip"),
  };
});

vi.mock("../src/api/reports", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../src/api/reports")>()),
  getReport: vi.fn(),
}));

import { Chart } from "chart.js";
import * as api from "../src/api/reports";
import { ApiError } from "../src/api/client";
import { session } from "../src/session";
import { DEFINITIONS } from "../src/features/reports/definitions";
import ReportChart from "../src/features/reports/ReportChart.vue";
import ReportTable from "../src/features/reports/ReportTable.vue";
import ReportView from "../src/features/reports/ReportView.vue";

beforeEach(() => {
  chartInstances.length = 0;
});

describe("report definitions", () => {
  it("stacks publications per year by kind, adding up programs", () => {
    const rows = [
      { year: 2025, program_id: 1, program_code: "LITH", program_name: "L", kind: "paper", publications: 2 },
      { year: 2025, program_id: 2, program_code: "MEM", program_name: "M", kind: "paper", publications: 3 },
      { year: 2026, program_id: 1, program_code: "LITH", program_name: "L", kind: "thesis", publications: 1 },
    ];
    const model = DEFINITIONS.publications.chart("program", rows);
    expect(model.stacked).toBe(true);
    expect(model.labels).toEqual(["2025", "2026"]);
    expect(model.series).toEqual([
      { label: "Paper", data: [5, 0] },
      { label: "Thesis", data: [0, 1] },
    ]);
  });

  it("puts deliverable measures side by side per program or task", () => {
    const row = { program_id: 1, program_code: "LITH", program_name: "L", task_number: "3161.001", deliverables: 4, accepted: 2,
      accepted_on_time: 1, late: 3, overdue: 1, due_next_30_days: 0 };
    const model = DEFINITIONS.deliverables.chart("task", [row]);
    expect(model.stacked).toBe(false);
    expect(model.labels).toEqual(["3161.001"]);
    expect(model.series.map((s) => [s.label, s.data[0]])).toEqual([
      ["Accepted on time", 1], ["Late", 3], ["Overdue", 1], ["Due in the next 30 days", 0],
    ]);
    expect(DEFINITIONS.deliverables.columns("task").map((c) => c.key)).toContain("task_title");
    expect(DEFINITIONS.deliverables.columns("program").map((c) => c.key)).not.toContain("task_title");
  });

  it("names usage rows without a company", () => {
    const model = DEFINITIONS.usage.chart("company", [{ company_id: null, company_name: "", downloads: 2, views: 5 }]);
    expect(model.labels).toEqual(["No member company"]);
  });
});

describe("ReportTable", () => {
  it("is a captioned table with column headers, formatted cells and a totals row", () => {
    const wrapper = mount(ReportTable, {
      props: {
        caption: "Usage: figures per month",
        columns: DEFINITIONS.usage.columns("month"),
        rows: [{ month: "2026-03", downloads: 1200, views: 4 }],
        totals: { downloads: 1200, views: 4, consortium: null },
      },
    });
    expect(wrapper.find("caption").text()).toBe("Usage: figures per month");
    expect(wrapper.findAll("th[scope=col]").map((th) => th.text())).toEqual(["Month", "Downloads", "Views"]);
    const cells = wrapper.findAll("tbody td").map((td) => td.text());
    expect(cells[0]).toMatch(/2026/); // the month in the browser's language
    expect(cells[1]).toBe((1200).toLocaleString());
    expect(wrapper.find("tfoot").text()).toContain("Total");
    expect(wrapper.find("[role=region]").attributes("tabindex")).toBe("0"); // scrollable by keyboard at 375 px
  });
});

describe("ReportChart", () => {
  const model = { description: "Bar chart of things", labels: ["a", "b"], series: [{ label: "n", data: [1, 2] }], stacked: false };

  it("registers only the bar chart parts, names the canvas and destroys the chart on unmount", async () => {
    const wrapper = mount(ReportChart, { props: { model }, attachTo: document.body });
    expect(Chart.register).toHaveBeenCalled();
    expect(chartInstances).toHaveLength(1);
    expect(chartInstances[0].config.type).toBe("bar");
    expect(chartInstances[0].config.data.labels).toEqual(["a", "b"]);
    const canvas = wrapper.find("canvas");
    expect(canvas.attributes("role")).toBe("img");
    expect(canvas.attributes("aria-label")).toContain("Bar chart of things");
    await wrapper.setProps({ model: { ...model, labels: ["c"], series: [{ label: "n", data: [3] }] } });
    expect(chartInstances).toHaveLength(1); // updated in place, not drawn twice
    expect(chartInstances[0].update).toHaveBeenCalled();
    wrapper.unmount();
    expect(chartInstances[0].destroy).toHaveBeenCalled();
  });
});

describe("ReportView", () => {
  const getReport = vi.mocked(api.getReport);

  async function open(path: string) {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: "/", component: { template: "<p>home</p>" } },
        { path: "/publications", component: { template: "<p>publications</p>" } },
        { path: "/reports", component: { template: "<p>index</p>" } },
        { path: "/reports/:name", component: ReportView, props: true },
      ],
    });
    await router.push(path);
    const wrapper = mount({ template: "<RouterView />" }, { global: { plugins: [router] }, attachTo: document.body });
    await flushPromises();
    return { wrapper, router };
  }

  afterEach(() => {
    session.me = null;
    getReport.mockReset();
  });

  it("asks with the URL's filters and shows the member's figures beside hidden consortium totals", async () => {
    session.me = { is_staff: false, role: "member", organisation: { name: "Aster" } } as never;
    getReport.mockResolvedValue({
      filters: {} as never,
      rows: [{ event_id: 1, event_title: "Review", event_starts_at: "2026-05-01T09:00:00Z", registered: 3, confirmed: 3,
        waitlisted: 0, cancelled: 0, checked_in: 2, no_shows: 1 }],
      totals: { registered: 3, confirmed: 3, waitlisted: 0, cancelled: 0, checked_in: 2, no_shows: 1, consortium: null },
      truncated: false,
      generated_at: "2026-11-27T12:00:00Z",
    });
    const { wrapper } = await open("/reports/events?from=2026-01-01&group_by=event");
    expect(getReport).toHaveBeenCalledWith("events", { from: "2026-01-01", to: undefined, group_by: "event" }, expect.anything());
    expect(wrapper.text()).toContain("Figures for Aster.");
    expect(wrapper.find("canvas").exists()).toBe(true);
    expect(wrapper.find("tbody").text()).toContain("Review");
    expect(wrapper.text()).toContain("Consortium totals are not shown");
    expect(wrapper.find("a[download]").attributes("href")).toContain("format=csv");
    wrapper.unmount();
  });

  it("shows a refused date beside its field and keeps the filters in the URL", async () => {
    session.me = { is_staff: true, role: "staff", organisation: null } as never;
    getReport.mockRejectedValue(
      new ApiError({ status: 400, code: "invalid", detail: "from: bad", fields: { from: ["`from` is after `to`."] } }),
    );
    const { wrapper, router } = await open("/reports/deliverables?from=2026-02-01&to=2026-01-01");
    expect(wrapper.find("#report-from-error").text()).toBe("`from` is after `to`.");
    expect(wrapper.find("[role=alert]").exists()).toBe(false); // not said twice
    await wrapper.find("#report-group-by").setValue("task");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ from: "2026-02-01", to: "2026-01-01", group_by: "task" });
    wrapper.unmount();
  });

  it("shows the no-access page on a 403", async () => {
    getReport.mockRejectedValue(new ApiError({ status: 403, code: "permission_denied", detail: "No." }));
    const { wrapper } = await open("/reports/usage");
    expect(wrapper.find("h1").text()).toBe("No access");
    wrapper.unmount();
  });
});
