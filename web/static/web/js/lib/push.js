// Push on this device: the service worker's registration, subscribing with the
// server's VAPID key (GET push/key) and keeping the subscription with attune
// (POST push/subscriptions), and letting it go again (DELETE + unsubscribe).

import { api } from "./api.js";

/** Whether this browser can receive push at all. */
export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** Register the worker at the root scope (every signed-in page does; it is cheap once done). */
export async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  try {
    return await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch {
    // No worker (some private modes): pages work as before, with no offline pages.
    return null;
  }
}

async function registration() {
  return (await navigator.serviceWorker.getRegistration("/")) || registerWorker();
}

/** This browser's push subscription, or null. */
export async function browserSubscription() {
  if (!pushSupported()) return null;
  const found = await registration();
  return found ? found.pushManager.getSubscription() : null;
}

function keyBytes(base64url) {
  const text = atob(base64url.replaceAll("-", "+").replaceAll("_", "/")
    + "=".repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A name for this device from what the browser says it is: "Chrome on Android". */
export function guessDeviceLabel(agent = navigator.userAgent) {
  const browser = [["Edg/", "Edge"], ["Firefox/", "Firefox"], ["Chrome/", "Chrome"], ["Chromium/", "Chromium"],
    ["Safari/", "Safari"]].find(([mark]) => agent.includes(mark))?.[1] || "A browser";
  const system = [["Android", "Android"], ["iPhone", "iPhone"], ["iPad", "iPad"], ["Windows", "Windows"],
    ["Mac OS", "a Mac"], ["CrOS", "ChromeOS"], ["Linux", "Linux"]].find(([mark]) => agent.includes(mark))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/** Why push cannot be turned on here, in our words (ApiError-like for forms). */
export class PushRefused extends Error {}

/**
 * Turn push on for this device: ask the person's permission, subscribe with the
 * server's key, and keep the subscription with attune under `label`.
 * Resolves to the stored subscription (id, label, endpoint).
 */
export async function subscribeThisDevice(label) {
  if (!pushSupported()) {
    throw new PushRefused("This browser can't show notifications from attune.");
  }
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    throw new PushRefused("Notifications are blocked for attune in this browser. "
      + "You can allow them in the browser's site settings, then try again.");
  }
  const [{ public_key: key }, found] = await Promise.all([api.get("push/key"), registration()]);
  if (!found) throw new PushRefused("This browser can't show notifications from attune.");
  await navigator.serviceWorker.ready;
  const subscription = await found.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: keyBytes(key),
  });
  return api.post("push/subscriptions", { ...subscription.toJSON(), label });
}

/** Which of my devices (from push/subscriptions) is this browser, if any. */
export async function thisDevice(devices) {
  const subscription = await browserSubscription().catch(() => null);
  return subscription ? devices.find((device) => device.endpoint === subscription.endpoint) || null : null;
}

/**
 * Stop push to this device: attune forgets it (unless `server` is false, when
 * the account is gone already) and the browser unsubscribes.
 */
export async function unsubscribeThisDevice({ server = true } = {}) {
  const subscription = await browserSubscription().catch(() => null);
  if (!subscription) return;
  if (server) {
    const devices = await api.list("push/subscriptions", { limit: 100 });
    const mine = devices.find((device) => device.endpoint === subscription.endpoint);
    if (mine) await api.delete(`push/subscriptions/${mine.id}`);
  }
  await subscription.unsubscribe();
}
