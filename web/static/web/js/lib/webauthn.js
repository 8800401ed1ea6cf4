// Passkeys (WebAuthn) between allauth and the browser. allauth hands out the
// options as JSON ({"publicKey": {...}}, binary fields in base64url) and takes
// the credential back as JSON. Browsers that have the JSON helpers
// (PublicKeyCredential.parseCreationOptionsFromJSON, credential.toJSON) use
// them; the small converters below cover the others.

import { ApiError } from "./api.js";

const CANCELLED = "The passkey was not used, so nothing happened. You can try again whenever you are ready.";
const UNSUPPORTED = "This browser cannot use passkeys. Your password still works.";
const FAILED = "The passkey did not work this time. Please try again, or use your password.";

/** Whether this browser can create and use passkeys at all. */
export function passkeysSupported() {
  return typeof window.PublicKeyCredential === "function" && Boolean(navigator.credentials);
}

/** base64url text (no padding) to an ArrayBuffer. */
export function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** An ArrayBuffer (or a view on one) to base64url text without padding. */
export function toBase64url(buffer) {
  const bytes = buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const withIds = (list) => (list || []).map((item) => ({ ...item, id: fromBase64url(item.id) }));

/** allauth's `creation_options` (or their `publicKey`) as options for credentials.create(). */
export function creationOptions(json) {
  const options = json.publicKey || json;
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(options);
  }
  return {
    ...options,
    challenge: fromBase64url(options.challenge),
    user: { ...options.user, id: fromBase64url(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  };
}

/** allauth's `request_options` (or their `publicKey`) as options for credentials.get(). */
export function requestOptions(json) {
  const options = json.publicKey || json;
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(options);
  }
  return {
    ...options,
    challenge: fromBase64url(options.challenge),
    allowCredentials: withIds(options.allowCredentials),
  };
}

function optionalBase64url(buffer) {
  return buffer ? toBase64url(buffer) : undefined;
}

/** A PublicKeyCredential as the JSON allauth expects. */
export function credentialJSON(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const { response } = credential;
  const json = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData);
    json.response.signature = toBase64url(response.signature);
    json.response.userHandle = optionalBase64url(response.userHandle);
  }
  return json;
}

/** The browser's refusal, in words a person can act on, as an ApiError. */
function gently(error) {
  if (error instanceof ApiError) return error;
  const cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
  const message = cancelled ? CANCELLED : FAILED;
  return new ApiError(0, [{ code: cancelled ? "passkey_cancelled" : "passkey_failed", message }]);
}

function requireSupport() {
  if (!passkeysSupported()) {
    throw new ApiError(0, [{ code: "passkey_unsupported", message: UNSUPPORTED }]);
  }
}

/** Make a new passkey from allauth's creation options; resolves to its JSON. */
export async function createPasskey(json) {
  requireSupport();
  try {
    const credential = await navigator.credentials.create({ publicKey: creationOptions(json) });
    return credentialJSON(credential);
  } catch (error) {
    throw gently(error);
  }
}

/** Use a passkey against allauth's request options; resolves to its JSON. */
export async function usePasskey(json) {
  requireSupport();
  try {
    const credential = await navigator.credentials.get({ publicKey: requestOptions(json) });
    return credentialJSON(credential);
  } catch (error) {
    throw gently(error);
  }
}
