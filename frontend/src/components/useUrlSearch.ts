/**
 * A list screen whose filters live in the URL, so that a search can be bookmarked, shared and gone
 * back to. Publications, research tasks, feedback, events and the careers profile search all work
 * the same way, and this is the one place that way is written down:
 *
 * - `form` mirrors `route.query` (a string field reads `?key=…`, an array field reads `?key=a&key=b`);
 * - whenever the query changes (and at once), the form is filled again and the list loaded; a newer
 *   load aborts an older one still in flight, so a slow answer never overwrites a newer one;
 * - `submit()` writes the non-empty fields to the URL (so a new search starts on page 1), `clear()`
 *   empties it, `goToPage()` keeps the filters and moves the focus to the results heading.
 *
 * What differs between the screens stays with them: how the URL becomes the API's query (`toQuery`),
 * the page size, the heading's id, parameters kept outside the form (`keep`, e.g. the events tab).
 */
import { computed, reactive, ref, watch, type Ref } from "vue";
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from "vue-router";
import { hasFieldError } from "./errors";

/** A query parameter as one string ("" when absent or repeated). */
export function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A whole number from the URL (an id, a year, a page), or undefined. */
export function whole(value: unknown): number | undefined {
  return /^\d+$/.test(text(value)) ? Number(text(value)) : undefined;
}

/** "true"/"false" from the URL, or undefined. */
export function yesNo(value: unknown): boolean | undefined {
  return text(value) === "true" ? true : text(value) === "false" ? false : undefined;
}

/** A repeatable parameter (`?degree=bs&degree=ms`) as its non-empty strings. */
export function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).map(text).filter(Boolean);
}

type FormValues = Record<string, string | string[]>;

export interface UrlSearchOptions<F extends FormValues, Q, R> {
  /** The form's fields with their empty values; an array field is a repeatable parameter. */
  form: F;
  /** The API's query from the URL's, without `page` and `page_size` (added here). */
  toQuery: (query: LocationQuery) => Q;
  /** Loads one page of results. */
  load: (query: Q & { page: number; page_size: number }, signal: AbortSignal) => Promise<{ results: R[]; count: number }>;
  pageSize?: number;
  /** The results heading that `goToPage` focuses. */
  headingId?: string;
  /** Trim text fields when writing them to the URL. */
  trim?: boolean;
  /** Parameters outside the form that a new search keeps (they come first in the URL). */
  keep?: () => LocationQueryRaw;
  /** Whether to load at all (e.g. the person may not see this list). */
  enabled?: () => boolean;
  /** Called as each load starts (e.g. to clear a message about the previous results). */
  onSearch?: () => void;
}

export function useUrlSearch<F extends FormValues, Q extends object, R>(options: UrlSearchOptions<F, Q, R>) {
  const route = useRoute();
  const router = useRouter();
  const pageSize = options.pageSize ?? 20;
  const headingId = options.headingId ?? "results-heading";
  const empty = options.form;
  const keys = Object.keys(empty) as (keyof F & string)[];

  const form = reactive(structuredClone(empty)) as F;
  const results = ref([]) as Ref<R[]>;
  const count = ref<number | null>(null);
  const error = ref<unknown>(null);
  const loading = ref(false);

  const query = computed(() => ({
    ...options.toQuery(route.query),
    page: whole(route.query.page) ?? 1,
    page_size: pageSize,
  }));

  function fillForm(q: LocationQuery) {
    for (const key of keys) {
      (form as FormValues)[key] = Array.isArray(empty[key]) ? list(q[key]) : text(q[key]);
    }
  }

  let controller: AbortController | null = null;
  async function search() {
    if (options.enabled && !options.enabled()) return;
    controller?.abort(); // a newer search replaces an older one still in flight
    controller = new AbortController();
    loading.value = true;
    error.value = null;
    options.onSearch?.();
    try {
      const page = await options.load(query.value, controller.signal);
      results.value = page.results;
      count.value = page.count;
    } catch (e) {
      if ((e as Error)?.name === "AbortError") return;
      error.value = e;
      results.value = [];
      count.value = null;
    } finally {
      loading.value = false;
    }
  }

  watch(
    () => route.query,
    (q) => {
      fillForm(q);
      search();
    },
    { immediate: true },
  );

  /** The form's non-empty fields, as URL parameters. */
  function formQuery(): Record<string, string | string[]> {
    const next: Record<string, string | string[]> = {};
    for (const key of keys) {
      const value = form[key];
      if (Array.isArray(value)) {
        if (value.length) next[key] = value;
      } else {
        const v = options.trim ? value.trim() : value;
        if (v) next[key] = v;
      }
    }
    return next;
  }

  function submit() {
    router.push({ query: { ...options.keep?.(), ...formQuery() } }); // a new search starts on page 1
  }

  function clear() {
    router.push({ query: {} });
  }

  function goToPage(page: number) {
    router.push({ query: { ...route.query, page: String(page) } });
    document.getElementById(headingId)?.focus();
  }

  /** Whether any filter is set in the form. */
  const filtered = computed(() => keys.some((key) => form[key].length > 0));
  /** Whether the last load's error names this field (for `aria-invalid`). */
  const fieldError = (name: string) => hasFieldError(error.value, name);

  return { form, results, count, error, loading, query, pageSize, search, submit, clear, goToPage, filtered, fieldError };
}
