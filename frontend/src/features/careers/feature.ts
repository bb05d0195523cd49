import type { Me } from "../../api/types";
import type { Feature } from "../feature";

const isStudent = (me: Me | null) => me?.role === "student";
// Company admins get the link too: the search tells them if they are not a recruiter themselves.
const mayRecruit = (me: Me | null) => !!me && (me.is_staff || me.is_recruiter || me.is_company_admin);

export const careers: Feature = {
  routes: [
    {
      path: "/careers/profile",
      component: () => import("./MyProfileView.vue"),
      meta: { title: "My careers profile" },
    },
    {
      path: "/careers/search",
      component: () => import("./ProfileSearchView.vue"),
      meta: { title: "Search student profiles" },
    },
    {
      path: "/careers/profiles/:id(\\d+)",
      component: () => import("./ProfileDetailView.vue"),
      props: true,
      meta: { title: "Student profile" },
    },
    {
      path: "/careers/resume-books",
      component: () => import("./ResumeBookListView.vue"),
      meta: { title: "Resume books" },
    },
    {
      path: "/careers/resume-books/:id(\\d+)",
      component: () => import("./ResumeBookView.vue"),
      props: true,
      meta: { title: "Resume book" },
    },
  ],
  nav: [
    { to: "/careers/profile", label: "Careers", visible: isStudent },
    { to: "/careers/search", label: "Careers", visible: (me) => !isStudent(me) && mayRecruit(me) },
  ],
  home: [
    { component: () => import("./StudentHomePanel.vue"), visible: isStudent },
    { component: () => import("./RecruiterHomePanel.vue"), visible: (me) => !isStudent(me) && mayRecruit(me) },
  ],
};
