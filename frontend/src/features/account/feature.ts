import type { Feature } from "../feature";

export const account: Feature = {
  routes: [],
  nav: [],
};
