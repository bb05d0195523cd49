/** The choices of the task filters (programs, universities, sponsors), loaded once per view. */
import { onMounted, ref } from "vue";
import { listOrganisations, listPrograms, type Organisation, type Program } from "../../api/research";

export function useFilterOptions() {
  const programs = ref<Program[]>([]);
  const universities = ref<Organisation[]>([]);
  const sponsors = ref<Organisation[]>([]);
  const error = ref<unknown>(null);

  onMounted(async () => {
    try {
      [programs.value, universities.value, sponsors.value] = await Promise.all([
        listPrograms(),
        listOrganisations("university"),
        listOrganisations("member"),
      ]);
    } catch (e) {
      // The list still works without the choices; say why they are missing.
      error.value = e;
    }
  });

  return { programs, universities, sponsors, error };
}
