// Reminders on this device (web push): offered after the client's first submission, never
// as a permission prompt on first load.

/** The offer shown on the receipt, or null when there is nothing to offer. */
export function pushOffer(_receipt) {
  return null;
}
