import { beforeEach, describe, expect, it, vi } from "vitest";
import { defineComponent, h } from "vue";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter, type LocationQueryRaw } from "vue-router";
import { ApiError } from "../src/api/client";
import { list, text, useUrlSearch, whole, yesNo } from "../src/components/useUrlSearch";

type Query = { q?: string; year?: number; tags: string[]; page: number; page_size: number };
const load = vi.fn<(query: Query, signal: AbortSignal) => Promise<{ results: string[]; count: number }>>();
let search: ReturnType<typeof useUrlSearch<{ q: string; year: string; tags: string[] }, Omit<Query, "page" | "page_size">, string>>;

async function mountAt(url: string, options: { keep?: () => LocationQueryRaw; enabled?: () => boolean; trim?: boolean } = {}) {
  const Screen = defineComponent({
    setup() {
      search = useUrlSearch({
        form: { q: "", year: "", tags: [] as string[] },
        toQuery: (q) => ({ q: text(q.q) || undefined, year: whole(q.year), tags: list(q.tags) }),
        load,
        pageSize: 5,
        headingId: "found",
        ...options,
      });
      return () => h("h2", { id: "found", tabindex: -1 }, "results");
    },
  });
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: "/list", component: Screen }] });
  await router.push(url);
  const wrapper = mount(Screen, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => {
  load.mockReset();
  load.mockResolvedValue({ results: ["a", "b"], count: 12 });
});

describe("query readers", () => {
  it("read one string, a whole number, a yes/no and a repeatable parameter", () => {
    expect([text("x"), text(["x", "y"]), text(undefined)]).toEqual(["x", "", ""]);
    expect([whole("12"), whole("1.5"), whole("x"), whole(null)]).toEqual([12, undefined, undefined, undefined]);
    expect([yesNo("true"), yesNo("false"), yesNo("yes")]).toEqual([true, false, undefined]);
    expect([list(["a", null, "b"]), list("a"), list(undefined)]).toEqual([["a", "b"], ["a"], []]);
  });
});

describe("useUrlSearch", () => {
  it("fills the form from the URL and loads that page with the page size", async () => {
    await mountAt("/list?q=euv&year=2024&tags=x&tags=y&page=3");
    expect(search.form).toEqual({ q: "euv", year: "2024", tags: ["x", "y"] });
    expect(load).toHaveBeenCalledTimes(1);
    expect(load.mock.calls[0][0]).toEqual({ q: "euv", year: 2024, tags: ["x", "y"], page: 3, page_size: 5 });
    expect(search.results.value).toEqual(["a", "b"]);
    expect(search.count.value).toBe(12);
    expect(search.loading.value).toBe(false);
    expect(search.filtered.value).toBe(true);
  });

  it("writes the non-empty fields to the URL, starting again on page 1, and clears them", async () => {
    const { router } = await mountAt("/list?q=old&page=4");
    search.form.q = "new";
    search.form.tags = ["t1", "t2"];
    search.submit();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: "new", tags: ["t1", "t2"] });
    expect(search.form).toEqual({ q: "new", year: "", tags: ["t1", "t2"] });
    expect(load.mock.lastCall?.[0]).toMatchObject({ q: "new", page: 1 });
    search.clear();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    expect(search.filtered.value).toBe(false);
  });

  it("keeps parameters outside the form and trims when asked", async () => {
    const { router } = await mountAt("/list?when=past", { keep: () => ({ when: "past" }), trim: true });
    search.form.q = "  spaced  ";
    search.submit();
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe("/list?when=past&q=spaced");
  });

  it("goes to a page keeping the filters and focuses the results heading", async () => {
    const { router, wrapper } = await mountAt("/list?q=euv");
    search.goToPage(2);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: "euv", page: "2" });
    expect(document.activeElement?.id).toBe("found");
    wrapper.unmount();
  });

  it("aborts the older load when a newer one starts, and ignores its end", async () => {
    let finishFirst: (v: { results: string[]; count: number }) => void = () => {};
    const signals: AbortSignal[] = [];
    load.mockImplementationOnce((_q, signal) => {
      signals.push(signal);
      return new Promise((resolve, reject) => {
        finishFirst = resolve;
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    });
    const { router } = await mountAt("/list?q=slow");
    expect(search.loading.value).toBe(true);
    await router.push("/list?q=fast");
    await flushPromises();
    expect(signals[0].aborted).toBe(true);
    finishFirst({ results: ["stale"], count: 1 });
    await flushPromises();
    expect(search.results.value).toEqual(["a", "b"]);
    expect(search.error.value).toBeNull();
  });

  it("keeps the error, empties the results and tells which fields it names", async () => {
    load.mockRejectedValue(
      new ApiError({ status: 400, code: "invalid", detail: "year: bad", fields: { year: ["Enter a whole number."] } }),
    );
    await mountAt("/list?year=x");
    expect(search.error.value).toBeInstanceOf(ApiError);
    expect(search.results.value).toEqual([]);
    expect(search.count.value).toBeNull();
    expect(search.fieldError("year")).toBe(true);
    expect(search.fieldError("q")).toBe(false);
  });

  it("does not load when not enabled", async () => {
    await mountAt("/list?q=x", { enabled: () => false });
    expect(load).not.toHaveBeenCalled();
    expect(search.form.q).toBe("x");
  });
});
