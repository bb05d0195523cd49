/** Short names for the generated OpenAPI types (src/api/schema.d.ts, `npm run gen:api`). */
import type { components, operations } from "./schema";

export type Schemas = components["schemas"];
export type Me = Schemas["Me"];
export type Publication = Schemas["Publication"];
export type PublicationFile = Schemas["File"];
export type PublicationPage = Schemas["PaginatedPublicationList"];
export type PublicationKind = Schemas["PublicationKindEnum"];
export type PublicationAccess = Schemas["PublicationAccessEnum"];
export type PublicationQuery = NonNullable<operations["publications_list"]["parameters"]["query"]>;
export type Event = Schemas["Event"];
export type EventPage = Schemas["PaginatedEventList"];
export type EventQuery = NonNullable<operations["events_list"]["parameters"]["query"]>;
