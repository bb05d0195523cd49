import type { Feature } from "../feature";
import { hasDuePanel, seesFeedback } from "./roles";

export const research: Feature = {
  routes: [
    {
      path: "/tasks",
      component: () => import("./TaskListView.vue"),
      meta: { title: "Research tasks" },
    },
    {
      path: "/tasks/:id(\\d+)",
      component: () => import("./TaskDetailView.vue"),
      props: true,
      meta: { title: "Research task" },
    },
    {
      path: "/feedback",
      component: () => import("./FeedbackListView.vue"),
      meta: { title: "Feedback" },
    },
  ],
  nav: [
    // Anyone may list task summaries, but the menu offers research to signed-in people, for whom
    // the list adds deliverables and progress.
    { to: "/tasks", label: "Research", visible: (me) => me !== null },
    { to: "/feedback", label: "Feedback", visible: seesFeedback },
  ],
  home: [{ component: () => import("./WhatIsDuePanel.vue"), visible: hasDuePanel }],
};
