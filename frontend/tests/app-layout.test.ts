import { describe, expect, it } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { defineComponent, h } from "vue";
import { createMemoryHistory, createRouter } from "vue-router";
import AppLayout from "../src/components/AppLayout.vue";
import { session } from "../src/session";

const Page = defineComponent({ render: () => h("p", "page") });

describe("AppLayout's Sign in link", () => {
  it("waits for a deep link's lazy view, then keeps the page to come back to", async () => {
    let loaded: (view: typeof Page) => void = () => {};
    const lazyView = new Promise<typeof Page>((resolve) => (loaded = resolve));
    const history = createMemoryHistory();
    history.replace("/publications/7"); // as a deep link opens the app: its first navigation goes there
    const router = createRouter({
      history,
      routes: [
        { path: "/", component: Page },
        { path: "/publications/:id", component: () => lazyView },
      ],
    });
    Object.assign(session, { me: null, loaded: true });
    const wrapper = mount(AppLayout, { global: { plugins: [router] } });
    await flushPromises();
    // The route is still the start location "/" while the view loads: no link that would lose the page.
    expect(wrapper.find('a[href^="/sign-in"]').exists()).toBe(false);
    loaded(Page);
    await flushPromises();
    expect(wrapper.find('a[href^="/sign-in"]').attributes("href")).toBe("/sign-in?next=/publications/7");
  });
});
