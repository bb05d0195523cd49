/** What a feature (src/features/<domain>/) adds to the app: its routes and its main-menu links. */
import type { Component } from "vue";
import type { RouteRecordRaw } from "vue-router";
import type { Me } from "../api/types";

export interface NavEntry {
  to: string;
  label: string;
  /** Shown only when this says so (for example only to staff); always shown when absent. */
  visible?: (me: Me | null) => boolean;
}

/** A panel on the home page (what is due, registrations, …), loaded only when visible. */
export interface HomePanel {
  component: () => Promise<Component | { default: Component }>;
  visible?: (me: Me | null) => boolean;
}

export interface Feature {
  routes: RouteRecordRaw[];
  nav: NavEntry[];
  home?: HomePanel[];
}
