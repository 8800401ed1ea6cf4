// The device's timezone: taken at sign-up (kept across email verification,
// like the chosen name), and offered in Settings when it differs later.

import { ApiError, api } from "./api.js";

const PENDING_ZONE_KEY = "attune.pendingZone";

export function deviceZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

/** Save the device's zone as the person's; a zone attune doesn't know is left out. */
export async function saveDeviceZone() {
  const zone = deviceZone();
  if (!zone) return;
  try {
    await api.patch("me", { timezone: zone });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
  }
}

/** Keep the device's zone from sign-up until the person is signed in. */
export function rememberDeviceZone() {
  sessionStorage.setItem(PENDING_ZONE_KEY, "1");
}

export async function applyRememberedZone() {
  if (!sessionStorage.getItem(PENDING_ZONE_KEY)) return;
  sessionStorage.removeItem(PENDING_ZONE_KEY);
  await saveDeviceZone();
}
