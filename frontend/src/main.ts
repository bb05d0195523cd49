import { createApp } from "vue";
import App from "./App.vue";
import { router } from "./router";
import { loadSession } from "./session";
import "./style.css";

// Know who is signed in before the first screen, so it shows the right things at once.
loadSession().finally(() => {
  createApp(App).use(router).mount("#app");
});
