import { describe, expect, it } from "vitest";
import type { Me } from "../src/api/types";
import { FEATURES, homePanelsFor, navFor } from "../src/features";
import { canSeeReports } from "../src/features/reports/feature";

type Organisation = NonNullable<Me["organisation"]>;

function organisation(kind: Organisation["kind"], active = true): Organisation {
  return { id: 1, name: "Org", short_name: "", kind, active, website: "", created_at: "", updated_at: "" } as Organisation;
}

function person(overrides: Partial<Me>): Me {
  return {
    id: 1,
    email: "p@example.com",
    given_name: "P",
    family_name: "Q",
    full_name: "P Q",
    role: "member",
    title: "",
    organisation: null,
    is_staff: false,
    is_company_admin: false,
    is_recruiter: false,
    auth: "session",
    token_scopes: null,
    ...overrides,
  } as Me;
}

const PEOPLE: Record<string, Me | null> = {
  anonymous: null,
  student: person({ role: "student", organisation: organisation("university") }),
  faculty: person({ role: "faculty", organisation: organisation("university") }),
  member: person({ role: "member", organisation: organisation("member") }),
  recruiter: person({ role: "member", organisation: organisation("member"), is_recruiter: true }),
  inactiveMember: person({ role: "member", organisation: organisation("member", false) }),
  staff: person({ role: "staff", is_staff: true, organisation: organisation("consortium") }),
};

const labels = (me: Me | null) => navFor(me).map((entry) => entry.label);

describe("main menu", () => {
  it("shows Reports to staff and to people of active member companies only", () => {
    for (const who of ["staff", "member", "recruiter"]) expect(labels(PEOPLE[who]), who).toContain("Reports");
    for (const who of ["anonymous", "student", "faculty", "inactiveMember"]) expect(labels(PEOPLE[who]), who).not.toContain("Reports");
  });

  it("shows Account to everyone signed in, never to a visitor", () => {
    expect(labels(null)).not.toContain("Account");
    for (const [who, me] of Object.entries(PEOPLE)) if (me) expect(labels(me), who).toContain("Account");
  });

  it("always shows Publications, which has public ones", () => {
    for (const [who, me] of Object.entries(PEOPLE)) expect(labels(me), who).toContain("Publications");
  });

  it("gives a visitor no more links than anyone signed in", () => {
    const visitor = new Set(labels(null));
    for (const [who, me] of Object.entries(PEOPLE)) {
      if (me) expect([...visitor].every((label) => labels(me).includes(label)), who).toBe(true);
    }
  });

  it("links only to routes that exist, each once", () => {
    const paths = FEATURES.flatMap((f) => f.routes.map((r) => r.path));
    for (const me of Object.values(PEOPLE)) {
      const targets = navFor(me).map((entry) => entry.to);
      expect(new Set(targets).size).toBe(targets.length);
      for (const to of targets) expect(paths, to).toContain(to.split("?")[0]);
    }
  });

  it("agrees with the API on who reads reports (api.reporting.views.CanSeeReports)", () => {
    expect(canSeeReports(PEOPLE.staff)).toBe(true);
    expect(canSeeReports(PEOPLE.member)).toBe(true);
    expect(canSeeReports(PEOPLE.inactiveMember)).toBe(false);
    expect(canSeeReports(person({ role: "member", organisation: null }))).toBe(false);
  });
});

describe("routes", () => {
  const routes = FEATURES.flatMap((f) => f.routes);

  it("every route has a title for the document and a lazily loaded screen", () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(typeof route.meta?.title, route.path).toBe("string");
      expect(String(route.meta?.title).length, route.path).toBeGreaterThan(0);
      expect(typeof route.component, route.path).toBe("function");
    }
  });

  it("no two features claim the same path", () => {
    const paths = routes.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("has the reports and account routes", () => {
    const paths = routes.map((r) => r.path);
    expect(paths).toContain("/reports");
    expect(paths).toContain("/account");
    expect(paths.some((p) => p.startsWith("/reports/:name("))).toBe(true);
  });
});

describe("home panels", () => {
  it("are components loaded on demand, drawn from the features' panels", () => {
    for (const me of Object.values(PEOPLE)) {
      for (const panel of homePanelsFor(me)) expect(typeof panel.component).toBe("function");
    }
    const visitor = homePanelsFor(null);
    const everyone = FEATURES.flatMap((f) => f.home ?? []);
    for (const panel of visitor) expect(everyone).toContain(panel);
  });

  it("filter by role: a panel hidden from someone is not among theirs", () => {
    const everyone = FEATURES.flatMap((f) => f.home ?? []);
    for (const me of Object.values(PEOPLE)) {
      const shown = homePanelsFor(me);
      for (const panel of everyone) {
        expect(shown.includes(panel)).toBe(!panel.visible || panel.visible(me));
      }
    }
  });
});
