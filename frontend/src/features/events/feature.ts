import type { Feature } from "../feature";

export const events: Feature = {
  routes: [
    {
      path: "/events",
      component: () => import("./EventListView.vue"),
      meta: { title: "Events" },
    },
    {
      path: "/events/:id(\\d+)",
      component: () => import("./EventDetailView.vue"),
      props: true,
      meta: { title: "Event" },
    },
    {
      path: "/events/:id(\\d+)/check-in",
      component: () => import("./EventCheckInView.vue"),
      props: true,
      meta: { title: "Check-in" },
    },
  ],
  // Anyone may list events: visitors see the public ones, signed-in people the members' ones too.
  nav: [{ to: "/events", label: "Events" }],
  home: [
    {
      component: () => import("./YourRegistrationsPanel.vue"),
      visible: (me) => me !== null,
    },
  ],
};
