import type { Feature } from "../feature";
import type { Me } from "../../api/types";

/** Who may read reports: consortium staff and people of an active member company (api.reporting.views). */
export function canSeeReports(me: Me | null): boolean {
  if (!me) return false;
  if (me.is_staff) return true;
  const organisation = me.organisation;
  return me.role === "member" && organisation?.kind === "member" && organisation.active !== false;
}

export const reports: Feature = {
  routes: [
    {
      path: "/reports",
      component: () => import("./ReportsIndexView.vue"),
      meta: { title: "Reports" },
    },
    {
      // Chart.js is imported by the report view only, so it loads with this route's chunk.
      path: "/reports/:name(publications|deliverables|usage|events|careers)",
      component: () => import("./ReportView.vue"),
      props: true,
      meta: { title: "Report" },
    },
  ],
  nav: [{ to: "/reports", label: "Reports", visible: canSeeReports }],
};
