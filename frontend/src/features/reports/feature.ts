import type { Feature } from "../feature";

export const reports: Feature = {
  routes: [],
  nav: [],
};
