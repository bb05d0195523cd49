/**
 * The busy flag and the error of one action a person starts: a form's submit, a "Withdraw" button.
 * Every form wrote the same lines (busy on, error off, try, keep the error, busy off); `run` is
 * those lines once. Checks made before asking the API stay in the form: they set `error` and
 * return without calling `run`.
 */
import { ref } from "vue";
import { hasFieldError } from "./errors";

export function useAction() {
  const busy = ref(false);
  const error = ref<unknown>(null);

  /** Runs the action with `busy` set; whatever it throws becomes `error`. Resolves whether it succeeded. */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      await action();
      return true;
    } catch (e) {
      error.value = e;
      return false;
    } finally {
      busy.value = false;
    }
  }

  const fieldError = (field: string) => hasFieldError(error.value, field);

  return { busy, error, run, fieldError };
}
