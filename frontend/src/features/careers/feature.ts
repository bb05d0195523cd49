import type { Feature } from "../feature";

export const careers: Feature = {
  routes: [],
  nav: [],
};
