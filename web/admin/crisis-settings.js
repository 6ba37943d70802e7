// Crisis resources (owners): the practice's own numbers and services, shown to clients beside
// a risk answer.

/** The card on the Clinicians page, or null for those who cannot change it. */
export async function crisisSettings() {
  return null;
}
