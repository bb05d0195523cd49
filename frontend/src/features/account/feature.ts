import type { Feature } from "../feature";

export const account: Feature = {
  routes: [
    {
      path: "/account",
      component: () => import("./AccountView.vue"),
      meta: { title: "Account" },
    },
  ],
  // Everyone signed in has an account page; a visitor has nothing to manage.
  nav: [{ to: "/account", label: "Account", visible: (me) => me !== null }],
};
