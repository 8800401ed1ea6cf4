// The account's own settings through allauth's headless endpoints, shared by
// Settings' email, password, two-step, passkey and device parts: one call that
// either succeeds or throws an ApiError in attune's words.

import { ApiError, auth } from "./api.js";

const SIGNED_OUT = "You seem to be signed out. Please reload the page and sign in again.";

// allauth's and Django's messages by their code, said the way attune speaks.
// `{n}` takes the first number of the original message (a minimum length).
const WORDS = {
  enter_current_password: "That isn't your current password. Please try it once more.",
  incorrect_password: "That isn't your current password. Please try it once more.",
  same_as_current: "That is the password you have now. Please choose a new one.",
  password_too_short: "Please choose a password of at least {n} characters. A few words in a row are easy to remember and hard to guess.",
  password_too_common: "Many people use that password, so it is easy to guess. Please choose one that is yours alone.",
  password_entirely_numeric: "Please use more than numbers: a few words work well.",
  password_too_similar: "That password is close to your email address. Please choose something further from it.",
  incorrect_code: "That code didn't work. Codes change every 30 seconds, so please try the one showing now.",
  duplicate_email: "That address is already on your account.",
  email_taken: "That address can't be added to this account.",
  max_email_addresses: "Your account has as many addresses as it can hold. Remove one first, then add the new one.",
  cannot_remove_primary_email: "This is the address we write to. Make another address your main one first, then you can remove this one.",
  unverified_primary_email: "Please confirm this address first; then it can be your main one.",
  unknown_email: "That address isn't on your account any more. Please reload the page.",
  unverified_email: "Please confirm your email address first (see “Email address” above); then you can add this.",
  add_email_blocked: "While two-step sign-in is on, a new address can't be added here. Turn two-step sign-in off for a moment, add and confirm the address, then turn it back on.",
  cannot_delete_authenticator: "This can't be removed right now.",
  cannot_generate_recovery_codes: "Recovery codes come with an authenticator app or a passkey. Add one of those first.",
  rate_limited: "That was a lot of tries in a short time. Please wait a minute and try again.",
};

function say(error) {
  const words = WORDS[error.code];
  if (!words) return error;
  const number = String(error.message || "").match(/\d+/)?.[0] || "10";
  return { ...error, message: words.replace("{n}", number) };
}

/** `error` with framework-speak replaced by attune's words (non-API errors pass through). */
export function gently(error) {
  if (!(error instanceof ApiError)) return error;
  return new ApiError(error.status, error.errors.map(say), error.body);
}

/**
 * An allauth account call that must succeed: resolves to its `data`.
 * A re-authentication it needs is asked for in place by lib/api.js; a 401
 * that remains means the session has ended.
 */
export async function account(method, path, body) {
  let result;
  try {
    result = await auth.request(method, path, body === undefined ? {} : { body });
  } catch (error) {
    throw gently(error);
  }
  if (result.status !== 200) {
    throw new ApiError(result.status, [{ code: "signed_out", message: SIGNED_OUT }]);
  }
  return result.data;
}

/** allauth's timestamps are seconds since 1970; the page formats ISO strings. */
export const isoFromSeconds = (seconds) => new Date(seconds * 1000).toISOString();

