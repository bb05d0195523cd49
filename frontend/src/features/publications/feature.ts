import type { Feature } from "../feature";

export const publications: Feature = {
  routes: [
    {
      path: "/publications",
      component: () => import("./PublicationSearchView.vue"),
      meta: { title: "Publications" },
    },
    {
      path: "/publications/:id(\\d+)",
      component: () => import("./PublicationDetailView.vue"),
      props: true,
      meta: { title: "Publication" },
    },
  ],
  nav: [{ to: "/publications", label: "Publications" }],
};
