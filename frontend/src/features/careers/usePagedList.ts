/** A small paginated list inside a page (history, view log): its own page number, reloadable. */
import { ref, type Ref } from "vue";

export interface Page<T> {
  count: number;
  results: T[];
}

export function usePagedList<T>(fetchPage: (query: { page: number; page_size: number }) => Promise<Page<T>>, pageSize = 10) {
  const items = ref<T[]>([]) as Ref<T[]>;
  const count = ref<number | null>(null);
  const page = ref(1);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(to = page.value) {
    loading.value = true;
    error.value = null;
    try {
      const result = await fetchPage({ page: to, page_size: pageSize });
      items.value = result.results;
      count.value = result.count;
      page.value = to;
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  return { items, count, page, loading, error, load, pageSize };
}
