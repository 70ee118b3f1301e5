#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// Self-test of the Node.js peer, before it is trusted to judge the C++ code:
//
//   node selftest.mjs PATH/TO/vectors.json
//
// 1. protocol.mjs against every entry of vectors.json: key derivations, every
//    frame decrypted and re-encrypted byte for byte, every mustReject frame
//    rejected.
// 2. peer.mjs server against peer.mjs client, encryption on and off, plus
//    raw WebSocket checks of the server dispatch rules the client cannot reach.
//
// Prints one line per check and "N passed, M failed"; exits 1 on any failure.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { WebSocket } from 'ws';
import {
  PEER_CLIENT_REFUSED, Reporter, checkCleanExit, checkFailure, checkResponse, run, startServer,
} from './harness.mjs';
import {
  ProtocolError,
  decodeMessage,
  decodeSessionKey,
  decryptFrame,
  deriveGlobalKey,
  encodeMessage,
  encryptFrame,
} from './protocol.mjs';

const PEER = fileURLToPath(new URL('./peer.mjs', import.meta.url));
const AUTH_KEY = 'selftest-key';
const ECHO_DATA = { msg: 'héllo ✓', n: [1, 2.5, null, true] };
/** Bounds of the waits, in milliseconds. */
const CLIENT_TIMEOUT_MS = 15_000;
const RAW_REPLY_TIMEOUT_MS = 5_000;

// ---------------------------------------------------------------------------
// Vectors
// ---------------------------------------------------------------------------

/** Calls `fn`; true if it threw a ProtocolError. */
function rejects(fn) {
  try {
    fn();
    return false;
  } catch (error) {
    return error instanceof ProtocolError;
  }
}

function checkVectors(report, vectors) {
  report.check('vectors: every section is present and non-empty',
    [vectors.derivation, vectors.frames, vectors.mustReject].every((list) => Array.isArray(list) && list.length > 0));

  for (const { authKey, key } of vectors.derivation ?? []) {
    const derived = deriveGlobalKey(authKey).toString('hex');
    report.check(`vectors: derive key of ${JSON.stringify(authKey)}`, derived === key, [`got ${derived}`, `expected ${key}`]);
  }

  const keys = {
    global: deriveGlobalKey(vectors.globalKeyFor),
    session: Buffer.from(vectors.sessionKey, 'hex'),
  };

  for (const vector of vectors.frames ?? []) {
    const key = keys[vector.key];
    if (!report.check(`vectors: frame "${vector.name}" names a known key`, key !== undefined, [`key ${vector.key}`])) continue;
    const frame = Buffer.from(vector.frame, 'hex');

    let plaintext;
    try {
      plaintext = decryptFrame(key, frame);
    } catch (error) {
      plaintext = `<${error.message}>`;
    }
    report.check(`vectors: frame "${vector.name}" decrypts to its plaintext`, plaintext === vector.plaintext,
      [`got ${plaintext}`]);

    const sealed = encryptFrame(key, vector.plaintext, Buffer.from(vector.iv, 'hex')).toString('hex');
    report.check(`vectors: frame "${vector.name}" re-encrypts to the same bytes`, sealed === vector.frame,
      [`got ${sealed}`]);

    // The auth response carries the session key of the vectors, in base64.
    const message = JSON.parse(vector.plaintext);
    if ('sessionKey' in message) {
      let decoded;
      try {
        decoded = decodeSessionKey(message.sessionKey);
      } catch (error) {
        decoded = Buffer.from(error.message);
      }
      report.check(`vectors: frame "${vector.name}" carries the session key`, decoded.equals(keys.session),
        [`got ${decoded.toString('hex')}`]);
    }
  }

  for (const vector of vectors.mustReject ?? []) {
    const key = keys[vector.key];
    report.check(`vectors: reject "${vector.name}"`,
      key !== undefined && rejects(() => decryptFrame(key, Buffer.from(vector.frame, 'hex'))));
  }
}

// ---------------------------------------------------------------------------
// Raw connections, for server dispatch rules the peer client never exercises
// ---------------------------------------------------------------------------

/** A bare WebSocket to the peer server whose events are read one at a time. */
class RawConnection {
  constructor(url) {
    this.socket = new WebSocket(url);
    this.events = []; // { frame } or { closed: true }, in arrival order
    this.wakeUp = null;
    const push = (event) => {
      this.events.push(event);
      this.wakeUp?.();
    };
    this.socket.on('message', (frame) => push({ frame }));
    this.socket.on('close', () => push({ closed: true }));
    this.socket.on('error', () => { /* a 'close' event follows */ });
    this.opened = new Promise((resolve) => {
      this.socket.once('open', () => resolve(true));
      this.socket.once('close', () => resolve(false));
    });
  }

  /** Sends a message object, encrypted with `key` unless it is null. */
  send(message, key) {
    const { payload, binary } = encodeMessage(message, key);
    this.socket.send(payload, { binary });
  }

  /** Sends raw bytes or text as they are. */
  sendRaw(payload, binary) {
    this.socket.send(payload, { binary });
  }

  /** The next event, or { timedOut: true } after RAW_REPLY_TIMEOUT_MS. */
  next() {
    if (this.events.length > 0) return Promise.resolve(this.events.shift());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve({ timedOut: true });
      }, RAW_REPLY_TIMEOUT_MS);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve(this.events.shift());
      };
    });
  }

  /** The next event decoded with `key`: a message object, 'closed', 'timeout' or 'invalid'. */
  async nextMessage(key) {
    const event = await this.next();
    if (event.timedOut) return 'timeout';
    if (event.closed) return 'closed';
    try {
      return decodeMessage(event.frame, key);
    } catch {
      return 'invalid';
    }
  }

  /**
   * Authenticates; resolves with the key for the following frames (the
   * session key, or null without encryption), or undefined on failure.
   */
  async authenticate(globalKey) {
    if (!(await this.opened)) return undefined;
    this.send({ request: 'auth', data: { authKey: AUTH_KEY } }, globalKey);
    const reply = await this.nextMessage(globalKey);
    if (reply.request !== 'auth' || reply.response !== 'success') return undefined;
    return globalKey ? decodeSessionKey(reply.sessionKey) : null;
  }

  close() {
    this.socket.terminate();
  }
}

async function checkServerDispatch(report, mode, url, globalKey) {
  // Before authentication: unknown requests and heartbeats are ignored, a
  // skipAuth handler answers, any other handler closes the connection.
  const raw = new RawConnection(url);
  if (!report.check(`${mode}: raw WebSocket connects`, await raw.opened)) return;
  raw.send({ request: 'noSuchHandler', data: 1 }, globalKey);
  raw.send({ request: 'heartBeat' }, globalKey);
  raw.send({ request: 'ping' }, globalKey);
  const first = await raw.nextMessage(globalKey);
  report.check(`${mode}: before auth, unknown request and heartBeat ignored, skipAuth ping answered`,
    isDeepStrictEqual(first, { request: 'ping', response: 'pong' }), [`first reply ${JSON.stringify(first)}`]);
  raw.send({ request: 'whoami' }, globalKey);
  const gated = await raw.nextMessage(globalKey);
  report.check(`${mode}: before auth, whoami (not skipAuth) closes the connection`, gated === 'closed',
    [`got ${JSON.stringify(gated)}`]);
  raw.close();

  // After authentication, invalid input closes the connection.
  const invalidFrames = globalKey
    ? [['frame encrypted with the global key', encryptFrame(globalKey, '{"request":"ping"}'), true],
       ['frame shorter than IV and tag', Buffer.alloc(27), true]]
    : [['text that is not JSON', 'not json', false],
       ['JSON that is not an object', '["ping"]', false]];
  for (const [what, payload, binary] of invalidFrames) {
    const connection = new RawConnection(url);
    const sessionKey = await connection.authenticate(globalKey);
    if (sessionKey !== undefined) connection.sendRaw(payload, binary);
    const outcome = sessionKey === undefined ? 'auth failed' : await connection.nextMessage(sessionKey);
    report.check(`${mode}: after auth, ${what} closes the connection`, outcome === 'closed',
      [`got ${JSON.stringify(outcome)}`]);
    connection.close();
  }
}

// ---------------------------------------------------------------------------
// Peer server against peer client
// ---------------------------------------------------------------------------

async function checkPeers(report, encryption) {
  const mode = encryption ? 'encryption on' : 'encryption off';
  const flags = encryption ? [] : ['--no-encryption'];
  const started = await startServer(report, `${mode}: peer server starts`,
    process.execPath, [PEER, 'server', '--port', '0', '--auth-key', AUTH_KEY, ...flags], /^LISTENING (\d+)$/);
  if (!started) return;
  const { server, address: port } = started;
  const url = `ws://127.0.0.1:${port}`;
  const client = (authKey, ...args) => run(process.execPath,
    [PEER, 'client', '--url', url, '--auth-key', authKey, ...flags, ...args], CLIENT_TIMEOUT_MS);

  checkResponse(report, `${mode}: client echo`,
    await client(AUTH_KEY, '--request', 'echo', '--data', JSON.stringify(ECHO_DATA)), ECHO_DATA);
  checkResponse(report, `${mode}: client ping without data`, await client(AUTH_KEY, '--request', 'ping'), 'pong');
  checkResponse(report, `${mode}: client whoami with extra auth data`,
    await client(AUTH_KEY, '--auth-data', '{"user":"selftest"}', '--request', 'whoami'), { authenticated: true });
  checkFailure(report, `${mode}: client with a wrong auth key fails`,
    await client('wrong-key', '--request', 'ping'), PEER_CLIENT_REFUSED);
  checkFailure(report, `${mode}: client with the other encryption setting fails`,
    await run(process.execPath, [PEER, 'client', '--url', url, '--auth-key', AUTH_KEY,
      ...(encryption ? ['--no-encryption'] : []), '--request', 'ping'], CLIENT_TIMEOUT_MS), PEER_CLIENT_REFUSED);

  await checkServerDispatch(report, mode, url, encryption ? deriveGlobalKey(AUTH_KEY) : null);

  await checkCleanExit(report, `${mode}: peer server exits with code 0 on SIGTERM`, server);
}

// ---------------------------------------------------------------------------

const vectorsPath = process.argv[2];
if (!vectorsPath) {
  process.stderr.write('usage: node selftest.mjs PATH/TO/vectors.json\n');
  process.exit(2);
}

const report = new Reporter();
checkVectors(report, JSON.parse(readFileSync(vectorsPath, 'utf8')));
await checkPeers(report, true);
await checkPeers(report, false);
process.exit(report.finish());
