/** Every feature, in main-menu order. */
import type { Feature, HomePanel, NavEntry } from "./feature";
import type { Me } from "../api/types";
import { publications } from "./publications/feature";
import { research } from "./research/feature";
import { events } from "./events/feature";
import { careers } from "./careers/feature";
import { reports } from "./reports/feature";
import { account } from "./account/feature";

export const FEATURES: Feature[] = [publications, research, events, careers, reports, account];

export function navFor(me: Me | null): NavEntry[] {
  return FEATURES.flatMap((f) => f.nav).filter((entry) => !entry.visible || entry.visible(me));
}

export function homePanelsFor(me: Me | null): HomePanel[] {
  return FEATURES.flatMap((f) => f.home ?? []).filter((panel) => !panel.visible || panel.visible(me));
}
