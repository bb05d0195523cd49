import type { Feature } from "../feature";

export const events: Feature = {
  routes: [],
  nav: [],
};
