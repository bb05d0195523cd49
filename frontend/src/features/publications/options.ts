import type { PublicationAccess, PublicationKind } from "../../api/types";

export const KINDS: { value: PublicationKind; label: string }[] = [
  { value: "paper", label: "Paper" },
  { value: "report", label: "Report" },
  { value: "thesis", label: "Thesis" },
  { value: "presentation", label: "Presentation" },
  { value: "patent", label: "Patent" },
  { value: "other", label: "Other" },
];

export const ACCESS: { value: PublicationAccess; label: string }[] = [
  { value: "public", label: "Public" },
  { value: "members", label: "Members only" },
  { value: "sponsors", label: "Sponsors only" },
];

export function kindLabel(kind: PublicationKind): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind;
}
