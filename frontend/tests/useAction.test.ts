import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/client";
import { useAction } from "../src/components/useAction";

describe("useAction", () => {
  it("is busy while the action runs and clears the previous error", async () => {
    const { busy, error, run } = useAction();
    error.value = new Error("before");
    let seenBusy = false;
    const ok = await run(async () => {
      seenBusy = busy.value;
      expect(error.value).toBeNull();
    });
    expect([ok, seenBusy, busy.value, error.value]).toEqual([true, true, false, null]);
  });

  it("keeps what the action throws and tells which fields it names", async () => {
    const { busy, error, run, fieldError } = useAction();
    const failure = new ApiError({ status: 400, code: "invalid", detail: "name: taken", fields: { name: ["Taken."] } });
    const ok = await run(async () => {
      throw failure;
    });
    expect([ok, busy.value, error.value]).toEqual([false, false, failure]);
    expect(fieldError("name")).toBe(true);
    expect(fieldError("scopes")).toBe(false);
  });
});
