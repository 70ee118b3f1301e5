#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// A Node.js peer of the Stonyx Sockets protocol, version 1, written from
// PROTOCOL.md alone, to test the C++/Qt implementation against an independent
// one. Two roles:
//
//   node peer.mjs server --port PORT --auth-key KEY [--no-encryption]
//       Listens on 127.0.0.1 (port 0 picks a free one), prints one line
//       "LISTENING <port>" and serves the handlers auth, echo, whoami and ping
//       with the server dispatch of PROTOCOL.md. Exits 0 on SIGTERM/SIGINT.
//
//   node peer.mjs client --url URL --auth-key KEY [--no-encryption]
//                        [--auth-data JSON] --request NAME [--data JSON]
//       Authenticates, checks the auth response and one heartbeat, sends NAME
//       with the given data and prints the `response` of the reply as compact
//       JSON on one line. Exits 0 on success, 1 on any failure or after 10 s.

import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ProtocolError,
  decodeMessage,
  decodeSessionKey,
  deriveGlobalKey,
  encodeMessage,
  encodeSessionKey,
  generateSessionKey,
} from './protocol.mjs';

/** The client gives up after this long, whatever step it is in. */
const CLIENT_TIMEOUT_MS = 10_000;
/** How long a finished client waits for the closing handshake before it exits. */
const CLIENT_CLOSE_GRACE_MS = 1_000;

const USAGE = `usage:
  node peer.mjs server --port PORT --auth-key KEY [--no-encryption]
  node peer.mjs client --url URL --auth-key KEY [--no-encryption]
                       [--auth-data JSON] --request NAME [--data JSON]`;

/** Reports a usage error and exits with status 2. */
function usageError(message) {
  process.stderr.write(`peer: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Parses a JSON command-line value; a parse error is a usage error. */
function parseJsonOption(name, text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    return usageError(`--${name} is not valid JSON: ${error.message}`);
  }
}

/** Parses the options of a role; unknown options and missing ones are usage errors. */
function parseRoleOptions(args, options, required) {
  let values;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    return usageError(error.message);
  }
  for (const name of required) {
    if (values[name] === undefined) usageError(`--${name} is required`);
  }
  return values;
}

// ---------------------------------------------------------------------------
// Server role
// ---------------------------------------------------------------------------

/** Writes a diagnostic line of the server to stderr (stdout carries only LISTENING). */
function serverLog(message) {
  process.stderr.write(`peer server: ${message}\n`);
}

/** One client connection of the server and its protocol state. */
class ServerConnection {
  /** `globalKey` is null when encryption is off. */
  constructor(socket, globalKey) {
    this.socket = socket;
    this.globalKey = globalKey;
    this.sessionKey = null;
    this.authenticated = false;
  }

  /** The key for this connection's frames: session key once authenticated, else the global key. */
  get frameKey() {
    return this.authenticated ? this.sessionKey : this.globalKey;
  }

  /** Sends a message with `key` (the frame key unless given); drops it if the socket is no longer open. */
  send(message, key = this.frameKey) {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const { payload, binary } = encodeMessage(message, key);
    this.socket.send(payload, { binary });
  }

  /**
   * Marks the connection authenticated and sends the auth response with the
   * global key; with encryption on, makes the session key and includes it.
   */
  authenticate(result) {
    const reply = { request: 'auth', response: result };
    if (this.globalKey) {
      this.sessionKey = generateSessionKey();
      reply.sessionKey = encodeSessionKey(this.sessionKey);
    }
    this.authenticated = true;
    this.send(reply, this.globalKey);
  }

  close() {
    this.socket.close();
  }
}

/**
 * The handlers of the test server, by request name. `skipAuth` lets a handler
 * be used before authentication; `handle(data, connection)` returns the result.
 */
function makeHandlers(authKey) {
  return new Map([
    ['auth', {
      skipAuth: false, // the auth gate lets `auth` through by name
      handle(data, connection) {
        if (data?.authKey === authKey) return 'success';
        serverLog('wrong auth key, closing the connection');
        connection.close();
        return undefined;
      },
    }],
    ['echo', { skipAuth: false, handle: (data) => data }],
    ['whoami', { skipAuth: false, handle: () => ({ authenticated: true }) }],
    ['ping', { skipAuth: true, handle: () => 'pong' }],
  ]);
}

/** The server dispatch of PROTOCOL.md for one incoming frame. */
function dispatch(connection, frame, handlers) {
  // 1. Decrypt and parse; invalid input closes this connection.
  let message;
  try {
    message = decodeMessage(frame, connection.frameKey);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    serverLog(`invalid input (${error.message}), closing the connection`);
    connection.close();
    return;
  }
  const { request, data } = message;

  // 2. Heartbeat: answered only on an authenticated connection.
  if (request === 'heartBeat') {
    if (connection.authenticated) connection.send({ request: 'heartBeat', response: true });
    return;
  }

  // 3. Unknown handler: ignored, the connection stays open.
  const handler = handlers.get(request);
  if (!handler) {
    serverLog(`no handler for request ${JSON.stringify(request)}, ignored`);
    return;
  }

  // 4. Auth gate.
  if (request !== 'auth' && !handler.skipAuth && !connection.authenticated) {
    serverLog(`request ${JSON.stringify(request)} before authentication, closing the connection`);
    connection.close();
    return;
  }

  // 5. Call the handler; a null result sends nothing.
  const result = handler.handle(data, connection);
  if (result === null || result === undefined) return;
  if (request === 'auth' && result) {
    connection.authenticate(result);
  } else {
    // Includes a falsy auth result: an ordinary response, still unauthenticated.
    connection.send({ request, response: result });
  }
}

function runServer(args) {
  const options = parseRoleOptions(args, {
    port: { type: 'string' },
    'auth-key': { type: 'string' },
    'no-encryption': { type: 'boolean', default: false },
  }, ['port', 'auth-key']);
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usageError(`bad --port ${options.port}`);

  const authKey = options['auth-key'];
  const globalKey = options['no-encryption'] ? null : deriveGlobalKey(authKey);
  const handlers = makeHandlers(authKey);

  const server = new WebSocketServer({ host: '127.0.0.1', port });
  server.on('listening', () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
  server.on('error', (error) => {
    serverLog(error.message);
    process.exit(1);
  });
  server.on('connection', (socket) => {
    const connection = new ServerConnection(socket, globalKey);
    // Text and binary frames are both handed over as Buffers.
    socket.on('message', (frame) => {
      // Frames that arrive after the server decided to close are not dispatched.
      if (socket.readyState === WebSocket.OPEN) dispatch(connection, frame, handlers);
    });
    socket.on('error', (error) => serverLog(`connection error: ${error.message}`));
  });

  const shutdown = () => {
    for (const socket of server.clients) socket.terminate();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

// ---------------------------------------------------------------------------
// Client role
// ---------------------------------------------------------------------------

/** Reports a client failure and exits with status 1. */
function clientFail(message) {
  process.stderr.write(`peer client: ${message}\n`);
  process.exit(1);
}

/**
 * The client side of one connection: sends messages with the right key and
 * hands out replies one at a time, by request name, in arrival order.
 */
class ClientSession {
  /** `globalKey` is null when encryption is off. */
  constructor(socket, globalKey) {
    this.socket = socket;
    this.globalKey = globalKey;
    this.sessionKey = null;
    this.waiting = null; // { request, resolve } of the reply being awaited
    this.finished = false;
    socket.on('message', (frame) => this.onFrame(frame));
    socket.on('close', (code) => {
      if (!this.finished) clientFail(`connection closed by the server (code ${code}) while waiting for ${this.waiting?.request ?? 'nothing'}`);
    });
    socket.on('error', (error) => clientFail(`connection error: ${error.message}`));
  }

  /** Key of this connection's frames: the session key once there is one, else the global key. */
  get frameKey() {
    return this.sessionKey ?? this.globalKey;
  }

  send(message) {
    const { payload, binary } = encodeMessage(message, this.frameKey);
    this.socket.send(payload, { binary });
  }

  /** Resolves with the next message whose `request` is `request`. */
  receive(request) {
    return new Promise((resolve) => {
      this.waiting = { request, resolve };
    });
  }

  /**
   * Client dispatch for one frame. Unlike a production client, which logs and
   * drops invalid input, this test client fails: a correct server never sends it.
   * Messages for other requests are logged and ignored, as for a missing handler.
   */
  onFrame(frame) {
    let message;
    try {
      message = decodeMessage(frame, this.frameKey);
    } catch (error) {
      clientFail(`invalid frame from the server: ${error.message}`);
    }
    if (this.waiting && message.request === this.waiting.request) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve(message);
    } else {
      process.stderr.write(`peer client: ignored message ${JSON.stringify(message)}\n`);
    }
  }

  /** Closes the connection without reporting it as a failure; resolves when closed or after a grace period. */
  close() {
    this.finished = true;
    return new Promise((resolve) => {
      this.socket.once('close', resolve);
      setTimeout(resolve, CLIENT_CLOSE_GRACE_MS).unref();
      this.socket.close(1000);
    });
  }
}

/** Checks the auth response and stores the session key; fails the client if it is wrong. */
function acceptAuthResponse(session, reply) {
  if (!reply.response) clientFail(`authentication refused: ${JSON.stringify(reply)}`);
  if (session.globalKey) {
    if (!('sessionKey' in reply)) clientFail('auth response has no sessionKey although encryption is on');
    try {
      session.sessionKey = decodeSessionKey(reply.sessionKey);
    } catch (error) {
      clientFail(error.message);
    }
  } else if ('sessionKey' in reply) {
    clientFail('auth response has a sessionKey although encryption is off');
  }
}

async function runClient(args) {
  const options = parseRoleOptions(args, {
    url: { type: 'string' },
    'auth-key': { type: 'string' },
    'no-encryption': { type: 'boolean', default: false },
    'auth-data': { type: 'string' },
    request: { type: 'string' },
    data: { type: 'string' },
  }, ['url', 'auth-key', 'request']);
  const authData = options['auth-data'] === undefined ? {} : parseJsonOption('auth-data', options['auth-data']);
  if (authData === null || typeof authData !== 'object' || Array.isArray(authData)) {
    usageError('--auth-data must be a JSON object');
  }
  const request = { request: options.request };
  if (options.data !== undefined) request.data = parseJsonOption('data', options.data);

  setTimeout(() => clientFail(`timed out after ${CLIENT_TIMEOUT_MS} ms`), CLIENT_TIMEOUT_MS);

  const authKey = options['auth-key'];
  const globalKey = options['no-encryption'] ? null : deriveGlobalKey(authKey);
  // ws's defaults, as a plain ws-based client would use them.
  const socket = new WebSocket(options.url);
  const session = new ClientSession(socket, globalKey);
  await new Promise((resolve) => socket.once('open', resolve));

  // Authenticate; the auth request goes out with the global key.
  session.send({ request: 'auth', data: { authKey, ...authData } });
  acceptAuthResponse(session, await session.receive('auth'));

  // One heartbeat at once rather than after heartBeatInterval: it must be answered now.
  session.send({ request: 'heartBeat' });
  const beat = await session.receive('heartBeat');
  if (beat.response !== true) clientFail(`unexpected heartbeat response: ${JSON.stringify(beat)}`);

  session.send(request);
  const reply = await session.receive(options.request);
  if (!('response' in reply)) clientFail(`reply has no response field: ${JSON.stringify(reply)}`);
  process.stdout.write(`${JSON.stringify(reply.response)}\n`);

  await session.close();
  process.exit(0);
}

// ---------------------------------------------------------------------------

const [role, ...roleArgs] = process.argv.slice(2);
if (role === 'server') {
  runServer(roleArgs);
} else if (role === 'client') {
  await runClient(roleArgs);
} else {
  usageError(role === undefined ? 'missing role' : `unknown role ${JSON.stringify(role)}`);
}
