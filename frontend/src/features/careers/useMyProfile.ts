/** The student's own careers profile (null when there is none yet), as the home panel and the profile page load it. */
import { ref } from "vue";
import { getMyProfile, type MyProfile } from "../../api/careers";

export function useMyProfile() {
  const profile = ref<MyProfile | null>(null);
  const loaded = ref(false);
  const error = ref<unknown>(null);

  async function load() {
    error.value = null;
    try {
      profile.value = await getMyProfile();
    } catch (e) {
      error.value = e;
    } finally {
      loaded.value = true;
    }
  }

  return { profile, loaded, error, load };
}
