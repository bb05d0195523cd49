// A member creates an API token, copies the secret (shown once), uses it from a script, revokes
// it in the page and sees the script refused; a wrong current password is shown beside its field;
// the personal-data export downloads.
import { readFileSync } from "node:fs";

const MEMBER = "liaison@northwind.example.com";
const TOKEN_NAME = "E2E nightly sync";

export default async function account({ base, newPage, signIn, check, checkFits375, artifact }) {
  const me = (token) => fetch(`${base}/api/v1/auth/me/`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  const { context, page } = await newPage();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  await signIn(page, MEMBER);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await page.getByRole("heading", { level: 1, name: "Account" }).waitFor();

  // An empty name is refused beside the field.
  await page.getByRole("button", { name: "Create token" }).click();
  await page.locator("#token-name-error").waitFor();
  check(true, `an empty name is refused beside the field: ${await page.locator("#token-name-error").textContent()}`);

  await page.getByLabel("Name").fill(TOKEN_NAME);
  check(await page.getByRole("checkbox", { name: "Read" }).isChecked(), "the read scope is chosen by default");
  await page.getByRole("button", { name: "Create token" }).click();
  await page.getByRole("heading", { name: `Your new token “${TOKEN_NAME}”` }).waitFor();
  check(await page.getByText("it is shown only this once").isVisible(), "the page warns that the secret is shown once");
  const shown = await page.getByLabel("Token", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "copied to the clipboard" }).waitFor();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  check(token === shown && token.startsWith("wafer_"), "the Copy button puts the token on the clipboard");
  await page.screenshot({ path: artifact("account-token-created.png"), fullPage: true });

  let answer = await me(token);
  const body = await answer.json();
  check(answer.status === 200 && body.email === MEMBER && body.auth === "token", `the token works from a script (${answer.status}, ${body.auth})`);

  await page.getByRole("button", { name: "I have stored it" }).click();
  check((await page.getByLabel("Token", { exact: true }).count()) === 0, "the secret is gone from the page");
  const item = page.getByRole("listitem").filter({ hasText: TOKEN_NAME });
  check(/read/.test(await item.textContent()), "the list shows the new token with its scope");
  await item.getByRole("button", { name: `Revoke token ${TOKEN_NAME}` }).click();
  await item.getByText("stop working at once").waitFor();
  await item.getByRole("button", { name: `Revoke ${TOKEN_NAME}` }).click();
  await page.getByRole("status").filter({ hasText: "was revoked" }).waitFor();
  await page.getByRole("listitem").filter({ hasText: TOKEN_NAME }).waitFor({ state: "detached" });
  check(true, "the revoked token leaves the active list");
  answer = await me(token);
  check(answer.status === 401, `the revoked token is refused (${answer.status})`);
  await page.getByLabel("Show revoked and expired tokens").check();
  await page.waitForURL((url) => url.searchParams.get("tokens") === "all");
  await page.getByRole("listitem").filter({ hasText: TOKEN_NAME }).getByText("Revoked").first().waitFor();
  check(true, "the revoked token is listed as revoked with the filter in the URL");

  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password", { exact: true }).fill("a-much-better-passphrase-2026");
  await page.getByLabel("New password again").fill("a-much-better-passphrase-2026");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator("#current-password-error").filter({ hasText: "not your current password" }).waitFor();
  check(true, "a wrong current password is shown beside its field");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download my data" }).click()]);
  const saved = artifact(`account-${download.suggestedFilename()}`);
  await download.saveAs(saved);
  const data = JSON.parse(readFileSync(saved, "utf8"));
  check(data.person?.email === MEMBER && Array.isArray(data.api_tokens ?? data.tokens ?? []), `my data downloads as JSON (${download.suggestedFilename()})`);
  await page.setViewportSize({ width: 375, height: 812 });
  await checkFits375(page, "the account page's content");
  await page.screenshot({ path: artifact("account-end.png"), fullPage: true });
  await context.close();
}
