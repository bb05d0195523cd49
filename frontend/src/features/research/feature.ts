import type { Feature } from "../feature";

export const research: Feature = {
  routes: [],
  nav: [],
};
