/** The signed-in person, shared by the whole app. */
import { reactive } from "vue";
import * as auth from "./api/auth";
import type { Me } from "./api/types";

export const session = reactive({ me: null as Me | null, loaded: false });

export async function loadSession(): Promise<void> {
  try {
    session.me = await auth.getMe();
  } catch {
    session.me = null; // the API is down: browse as a visitor, the banner says why
  }
  session.loaded = true;
}

export async function signIn(email: string, password: string): Promise<Me> {
  session.me = await auth.login({ email, password });
  return session.me;
}

export async function signOut(): Promise<void> {
  await auth.logout();
  session.me = null;
}

export const ROLE_NAMES: Record<string, string> = {
  staff: "Consortium staff",
  member: "Member company",
  faculty: "Faculty",
  student: "Student",
};
