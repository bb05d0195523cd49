/**
 * What is due for the signed-in person, from the deliverables list's filters: for faculty the
 * deliverables of their tasks (the API shows faculty only their own), for members those of the
 * tasks their company sponsors, for staff everything overdue.
 */
import { ref } from "vue";
import { listDeliverables, type Deliverable, type DeliverableQuery } from "../../api/research";
import type { Me } from "../../api/types";
import { DUE_SOON_DAYS, addDays, isoToday } from "./options";

export const PANEL_LIMIT = 8;

export interface DueList {
  items: Deliverable[];
  count: number;
}

/** The filter that narrows deliverables to this person's concern; null when there is none. */
export function scopeFor(me: Me | null): DeliverableQuery | null {
  if (!me) return null;
  if (me.is_staff || me.role === "faculty") return {};
  if (me.role === "member" && me.organisation) return { sponsor: me.organisation.id };
  return null;
}

export function useWhatIsDue() {
  const overdue = ref<DueList | null>(null);
  const dueSoon = ref<DueList | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(me: Me | null) {
    const scope = scopeFor(me);
    overdue.value = null;
    dueSoon.value = null;
    if (scope === null) return;
    loading.value = true;
    error.value = null;
    const today = isoToday();
    try {
      const late = listDeliverables({ ...scope, overdue: true, ordering: "due_on", page_size: PANEL_LIMIT });
      // Staff chase what is overdue; what is merely coming up is the investigators' business.
      // "Due" means still owed: planned, or sent back for a revision (one status per request).
      const upcoming = { ...scope, overdue: false, due_after: today, due_before: addDays(today, DUE_SOON_DAYS) };
      const soon = me?.is_staff
        ? []
        : (["planned", "revision_requested"] as const).map((status) =>
            listDeliverables({ ...upcoming, status, ordering: "due_on", page_size: PANEL_LIMIT }),
          );
      const [latePage, ...soonPages] = await Promise.all([late, ...soon]);
      overdue.value = { items: latePage.results, count: latePage.count };
      if (soonPages.length) {
        const items = soonPages
          .flatMap((p) => p.results)
          .sort((a, b) => a.due_on.localeCompare(b.due_on) || a.id - b.id)
          .slice(0, PANEL_LIMIT);
        dueSoon.value = { items, count: soonPages.reduce((sum, p) => sum + p.count, 0) };
      }
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  return { overdue, dueSoon, loading, error, load };
}
