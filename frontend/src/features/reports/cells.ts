/** A report cell as a person reads it: dates in the browser's locale, codes as words. */
import type { PublicationKind } from "../../api/types";
import { kindLabel } from "../publications/options";
import { degreeLabel, formatMonth, type Column } from "./definitions";

const NUMBER = new Intl.NumberFormat();

export function formatCell(column: Column, value: unknown): string {
  if (value === null || value === undefined || value === "") {
    if (column.key === "company_name") return "No member company";
    if (column.key.startsWith("program")) return "No program";
    if (column.key === "publication_title") return "A publication you cannot see, or deleted";
    return "—";
  }
  switch (column.format) {
    case "count":
      return typeof value === "number" ? NUMBER.format(value) : String(value);
    case "month":
      return formatMonth(String(value));
    case "datetime":
      return new Date(String(value)).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    case "kind":
      return kindLabel(value as PublicationKind);
    case "degree":
      return degreeLabel(String(value));
    default:
      return String(value);
  }
}

export function formatCount(value: number): string {
  return NUMBER.format(value);
}
