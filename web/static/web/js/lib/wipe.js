// Leaving nothing behind on this device: signing out, deleting the account and
// ending the partnership wipe the offline copy (IndexedDB), the service worker's
// caches and this device's push subscription.

import { alone, stopFollowing } from "./follow.js";
import * as offline from "./offline.js";
import { unsubscribeThisDevice } from "./push.js";

/**
 * Wipe this device. `server: false` when the account is gone already (its
 * subscriptions went with it). Never throws: what could not be done is retried
 * by nothing, so each part is tried on its own.
 */
export async function wipeThisDevice({ server = true } = {}) {
  stopFollowing();
  try {
    await unsubscribeThisDevice({ server });
  } catch {
    // Offline, or the browser refused: the server drops a subscription its push service calls gone.
  }
  try {
    await alone(() => offline.wipe());
  } catch {
    // Nothing was kept.
  }
}
