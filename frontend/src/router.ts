import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import HomeView from "./features/home/HomeView.vue";
import SignInView from "./features/auth/SignInView.vue";
import ErrorPage from "./components/ErrorPage.vue";
import { onUnauthorized } from "./api/client";
import { session } from "./session";
import { FEATURES } from "./features";

const routes: RouteRecordRaw[] = [
  { path: "/", component: HomeView, meta: { title: "Home" } },
  { path: "/sign-in", component: SignInView, meta: { title: "Sign in" } },
  ...FEATURES.flatMap((f) => f.routes),
  { path: "/:pathMatch(.*)*", component: ErrorPage, props: { status: 404 }, meta: { title: "Not found" } },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? "Wafer")} · Wafer`;
  // Move focus to the page, so keyboard and screen-reader users start at the new content.
  requestAnimationFrame(() => document.getElementById("main")?.focus({ preventScroll: true }));
});

// A 401 from the API: the session expired or never was. Sign in, then come back here.
onUnauthorized(() => {
  session.me = null;
  const here = router.currentRoute.value;
  if (here.path !== "/sign-in") router.push({ path: "/sign-in", query: { next: here.fullPath } });
});
