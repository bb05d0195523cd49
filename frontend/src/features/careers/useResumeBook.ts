/** Follows one resume book while it is built: polls until it is ready, failed or expired. */
import { onBeforeUnmount, ref, watch, type Ref } from "vue";
import { getResumeBook, type ResumeBook } from "../../api/careers";
import { ApiError } from "../../api/client";

const FINISHED = new Set(["ready", "failed", "expired"]);

export function useResumeBook(id: Ref<number>, intervalMs = 1500) {
  const book = ref<ResumeBook | null>(null);
  const error = ref<unknown>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let controller: AbortController | null = null;
  let failures = 0;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    controller?.abort();
    controller = null;
  }

  async function poll(bookId: number) {
    controller = new AbortController();
    try {
      book.value = await getResumeBook(bookId, controller.signal);
      error.value = null;
      failures = 0;
    } catch (e) {
      if ((e as Error)?.name === "AbortError") return;
      error.value = e;
      // Not found or no access will not change by asking again; a network blip or 503 may.
      if (e instanceof ApiError && [401, 403, 404].includes(e.status)) return;
      failures += 1;
    }
    if (book.value && FINISHED.has(book.value.status)) return;
    // Back off while the server is struggling, and honour its Retry-After.
    const retry = error.value instanceof ApiError && error.value.retryAfter ? error.value.retryAfter * 1000 : 0;
    timer = setTimeout(() => poll(bookId), Math.max(retry, intervalMs * 2 ** Math.min(failures, 4)));
  }

  watch(
    id,
    (bookId) => {
      stop();
      book.value = null;
      error.value = null;
      failures = 0;
      poll(bookId);
    },
    { immediate: true },
  );
  onBeforeUnmount(stop);

  return { book, error, stop };
}
