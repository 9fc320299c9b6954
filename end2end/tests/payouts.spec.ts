// Journey: a creator reads their statement and asks for payouts; an operator sends one through
// the test processor (its bank refuses it, the money comes back) and marks the other paid by
// hand; the creator sees both outcomes, in English and in French.
import { test, expect, Page } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, logOut, snap } from "./helpers";

const FAILING_IBAN = "FR14 2004 1010 0505 0001 3M02 606";

async function openEarnings(page: Page) {
  await page.goto("/earnings");
  await hydrated(page);
}

test("a creator's payouts are paid, or fail and give the money back", async ({ page }) => {
  await logIn(page, demoEmail("camille_cuisine"), DEMO_PASSWORD);
  await openEarnings(page);
  // Demo income: gifts, donations, stage slots, a brand deal and a shop sale; a 30 € payout
  // already asked for.
  await expect(page.getByTestId("earnings")).toHaveText("€173.00");
  const income = page.getByTestId("income");
  await expect(income.getByRole("row", { name: /Live gifts/ })).toContainText("€20.00");
  await expect(income.getByRole("row", { name: /Stage slots/ })).toContainText("€65.00");
  await expect(income.getByRole("row", { name: /Donations/ })).toContainText("1 payment");
  await expect(income.getByRole("row", { name: /Brand deals/ })).toContainText("€90.00");
  await expect(income.getByRole("row", { name: /Shop sales/ })).toContainText("€18.00");
  await expect(page.getByTestId("income-total")).toHaveText("€203.00");
  await expect(page.getByTestId("payout-state")).toHaveText(["Requested"]);
  await snap(page, "earnings");

  // Bad input is shown next to its field and moves nothing.
  await page.getByLabel("Amount (€)").fill("20");
  await page.getByLabel("IBAN").fill("FR14 2004 1010 0505 0001 3M02 607");
  await page.getByLabel("Account holder").fill("Camille Durand");
  await page.getByRole("button", { name: "Request payout" }).click();
  await expect(page.locator("#field-iban-error")).toContainText("not a valid IBAN");
  await page.getByLabel("Amount (€)").fill("500");
  await page.getByLabel("IBAN").fill(FAILING_IBAN);
  await page.getByRole("button", { name: "Request payout" }).click();
  await expect(page.locator("#field-amount-error")).toContainText("€173.00");
  await expect(page.getByTestId("earnings")).toHaveText("€173.00");

  await page.getByLabel("Amount (€)").fill("20");
  await page.getByRole("button", { name: "Request payout" }).click();
  await expect(page.getByRole("status")).toContainText("Payout requested");
  await expect(page.getByTestId("earnings")).toHaveText("€153.00");
  await expect(page.getByTestId("payout-state")).toHaveText(["Requested", "Requested"]);
  await logOut(page);

  await logIn(page, demoEmail("tremplin_ops"), DEMO_PASSWORD);
  await page.locator(".account-menu summary").click();
  await page.getByRole("link", { name: "Payouts desk" }).click();
  await expect(page.getByTestId("operator-payout")).toHaveCount(2);
  await snap(page, "operator-payouts");
  const failing = page.getByTestId("operator-payout").filter({ hasText: FAILING_IBAN });
  await failing.getByRole("button", { name: "Send through the processor" }).click();
  await expect(page.getByTestId("operator-payout")).toHaveCount(1);
  const other = page.getByTestId("operator-payout").first();
  await other.getByRole("button", { name: "Mark paid" }).click();
  await expect(page.getByText("No payouts in this state.")).toBeVisible();
  // The processor's webhook reports the bank's refusal a moment later.
  await page.getByRole("link", { name: "Failed, money returned" }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("operator-payout")).toContainText("The bank account is closed.", {
      timeout: 1_000,
    });
  }).toPass({ timeout: 15_000 });
  await snap(page, "operator-payout-failed");
  await logOut(page);

  await logIn(page, demoEmail("camille_cuisine"), DEMO_PASSWORD);
  await openEarnings(page);
  await expect(page.getByTestId("earnings")).toHaveText("€173.00");
  await expect(page.getByTestId("payout-state")).toHaveText(["Failed, money returned", "Paid"]);
  await expect(page.locator(".history-line", { hasText: "Payout returned" })).toContainText("+€20.00");
  await snap(page, "earnings-after-payouts");

  await page.goto("/lang/fr");
  await openEarnings(page);
  await expect(page.getByTestId("earnings")).toHaveText("173,00 €");
  await expect(page.getByRole("heading", { name: "Revenus", exact: true })).toBeVisible();
  await snap(page, "earnings-fr");
  await page.setViewportSize({ width: 360, height: 780 });
  await snap(page, "earnings-fr-mobile");
  await page.goto("/lang/en");
});
