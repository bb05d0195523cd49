import type { Me } from "../../api/types";

/** Feedback is seen by staff, the tasks' investigators and member companies (api.feedback.selectors). */
export const seesFeedback = (me: Me | null): boolean =>
  !!me && (me.is_staff || me.role === "faculty" || me.role === "member");

/** "What is due" is for those who owe deliverables (faculty), sponsor them (members) or chase them (staff). */
export const hasDuePanel = (me: Me | null): boolean =>
  !!me && (me.is_staff || me.role === "faculty" || me.role === "member");
