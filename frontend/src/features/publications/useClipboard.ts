import { ref } from "vue";
import { describeError } from "../../components/errors";

/** Copy text fetched on demand, with a status message for a polite live region. */
export function useCopy() {
  const status = ref("");
  async function copy(label: string, load: () => Promise<string>) {
    status.value = `Copying ${label}…`;
    try {
      const text = await load();
      await navigator.clipboard.writeText(text);
      status.value = `${label} copied to the clipboard.`;
    } catch (error) {
      status.value =
        error instanceof DOMException ? "Copying is not allowed here; use the download instead." : describeError(error);
    }
  }
  return { status, copy };
}
