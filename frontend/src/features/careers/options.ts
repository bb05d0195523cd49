import type { Degree, ResumeBookStatus } from "../../api/careers";

export const DEGREES: { value: Degree; label: string }[] = [
  { value: "bs", label: "Bachelor's" },
  { value: "ms", label: "Master's" },
  { value: "phd", label: "PhD" },
  { value: "postdoc", label: "Postdoc" },
];

export function degreeLabel(degree: Degree): string {
  return DEGREES.find((d) => d.value === degree)?.label ?? degree;
}

export const BOOK_STATUS: Record<ResumeBookStatus, string> = {
  queued: "Queued",
  running: "Building",
  ready: "Ready",
  failed: "Failed",
  expired: "Expired",
};

export const VIEW_KINDS: Record<string, string> = {
  profile: "Viewed your profile",
  cv: "Downloaded your CV",
  resume_book: "Received your CV in a resume book",
};

export const CONSENT_ACTIONS: Record<string, string> = {
  granted: "Sharing turned on",
  changed: "Companies changed",
  withdrawn: "Sharing withdrawn",
  renewed: "Visibility renewed",
};

export const MAX_SKILLS = 30;
export const MAX_LINKS = 5;
