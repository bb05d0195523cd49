/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** The API's origin when the SPA is deployed on its own origin; empty: same origin. */
  readonly VITE_API_BASE?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
declare module "*.vue" {
  import type { DefineComponent } from "vue";
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
