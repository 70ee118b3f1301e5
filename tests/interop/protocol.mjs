// SPDX-License-Identifier: MIT
//
// Wire format of the Stonyx Sockets protocol, version 1, written from
// PROTOCOL.md: key derivation, AES-256-GCM frames and message encoding.
// Used by peer.mjs (the Node.js test peer) and checked by selftest.mjs
// against the byte-exact vectors of vectors.json.

import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/** Key length in bytes, for the global key and the session key (AES-256). */
export const KEY_LENGTH = 32;
/** Length of the random IV at the start of every encrypted frame. */
export const IV_LENGTH = 12;
/** Length of the GCM tag that follows the IV. */
export const TAG_LENGTH = 16;

/** The fixed scrypt salt: the 14 ASCII bytes "stonyx-sockets". */
const SCRYPT_SALT = Buffer.from('stonyx-sockets', 'ascii');
/**
 * scrypt cost parameters. N=16384, r=8 needs 128·N·r = 16 MiB, which is close
 * to Node's default limit of 32 MiB, so the limit is raised explicitly.
 */
const SCRYPT_OPTIONS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Standard base64 with padding, as the session key travels in the auth response. */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Thrown for every kind of invalid input: bad frame, bad tag, bad JSON, not an object. */
export class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Derives the global key from the shared authKey (a string, used as UTF-8). */
export function deriveGlobalKey(authKey) {
  return scryptSync(Buffer.from(authKey, 'utf8'), SCRYPT_SALT, KEY_LENGTH, SCRYPT_OPTIONS);
}

/** Makes a fresh session key: 32 bytes from the CSPRNG. */
export function generateSessionKey() {
  return randomBytes(KEY_LENGTH);
}

/** Encodes a session key for the `sessionKey` field of the auth response. */
export function encodeSessionKey(key) {
  return key.toString('base64');
}

/**
 * Decodes the `sessionKey` field of an auth response. Accepts only a string in
 * standard padded base64 that decodes to exactly KEY_LENGTH bytes.
 */
export function decodeSessionKey(text) {
  if (typeof text !== 'string' || !CANONICAL_BASE64.test(text)) {
    throw new ProtocolError('sessionKey is not a standard base64 string');
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_LENGTH) {
    throw new ProtocolError(`sessionKey decodes to ${key.length} bytes, expected ${KEY_LENGTH}`);
  }
  return key;
}

/**
 * Encrypts one frame: IV(12) || tag(16) || AES-256-GCM ciphertext, no AAD.
 * `iv` defaults to 12 fresh random bytes; the test vectors pass a fixed one.
 */
export function encryptFrame(key, plaintext, iv = randomBytes(IV_LENGTH)) {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts one frame to its UTF-8 text; throws ProtocolError if it is invalid. */
export function decryptFrame(key, frame) {
  if (frame.length < IV_LENGTH + TAG_LENGTH) {
    throw new ProtocolError(`frame of ${frame.length} bytes is shorter than IV and tag`);
  }
  const iv = frame.subarray(0, IV_LENGTH);
  const tag = frame.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(tag);
  try {
    const plaintext = Buffer.concat([
      decipher.update(frame.subarray(IV_LENGTH + TAG_LENGTH)),
      decipher.final(),
    ]);
    return plaintext.toString('utf8');
  } catch {
    throw new ProtocolError('GCM tag does not verify');
  }
}

/**
 * Turns a message object into what goes on the wire: with a key, a binary
 * encrypted frame; with `key` null (encryption off), a text frame of JSON.
 * Returns the arguments for ws's `send(payload, { binary })`.
 */
export function encodeMessage(message, key) {
  const json = JSON.stringify(message);
  return key ? { payload: encryptFrame(key, json), binary: true } : { payload: json, binary: false };
}

/**
 * Turns a received frame (a Buffer, text or binary) into a message object:
 * decrypts it when `key` is set, then parses the JSON, which must be an object.
 * Throws ProtocolError for invalid input.
 */
export function decodeMessage(frame, key) {
  const text = key ? decryptFrame(key, frame) : frame.toString('utf8');
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError('frame is not valid JSON');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new ProtocolError('message is not a JSON object');
  }
  return message;
}
