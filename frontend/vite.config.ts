import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  plugins: [vue()],
  server: {
    // `npm run dev` talks to `make run`'s Django on the same origin through this proxy.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
  },
});
