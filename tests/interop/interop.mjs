#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// Interoperability test of the C++ tools against the Node.js peer (peer.mjs),
// with encryption on and off:
//
//   node interop.mjs --server-bin PATH --client-bin PATH --handler-dir DIR
//
// a. The C++ server, serving the handlers of DIR (an `echo` among them),
//    against the Node.js client: echo round trip, a wrong key refused, and a
//    clean exit (code 0) on SIGTERM.
// b. The Node.js server against the C++ client: echo round trip, ping without
//    data, and a wrong key giving a non-zero exit code.
//
// Prints one line per check and "N passed, M failed"; exits 1 on any failure.
// Every child process is killed on exit and every wait is bounded.

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  PEER_CLIENT_REFUSED, Reporter, STOP_TIMEOUT_MS, checkCleanExit, checkFailure, checkResponse, run, startServer,
} from './harness.mjs';

const PEER = fileURLToPath(new URL('./peer.mjs', import.meta.url));
const AUTH_KEY = 'interop-key';
const WRONG_AUTH_KEY = 'not-the-interop-key';
const ECHO_DATA = { msg: 'héllo ✓', n: [1, 2.5, null, true] };
/** Bound of a client run, in milliseconds. */
const CLIENT_TIMEOUT_MS = 15_000; // above the clients' own timeouts (10 s and 5 s)
const CXX_CLIENT_TIMEOUT_ARG = '5000'; // --timeout of the C++ client

/** a. The C++ server against the Node.js client. */
async function checkCxxServer(report, options, encryption) {
  const mode = encryption ? 'encryption on' : 'encryption off';
  const flags = encryption ? [] : ['--no-encryption'];
  const started = await startServer(report, `${mode}: C++ server starts and prints its URL`,
    options['server-bin'],
    ['--host', '127.0.0.1', '--port', '0', '--handler-dir', options['handler-dir'], '--auth-key', AUTH_KEY, ...flags],
    /listening on (ws:\/\/\S+)/i);
  if (!started) return;
  const { server, address: url } = started;

  const nodeClient = (authKey) => run(process.execPath,
    [PEER, 'client', '--url', url, '--auth-key', authKey, ...flags, '--request', 'echo', '--data', JSON.stringify(ECHO_DATA)],
    CLIENT_TIMEOUT_MS);
  checkResponse(report, `${mode}: Node.js client gets its echo from the C++ server`, await nodeClient(AUTH_KEY), ECHO_DATA);
  checkFailure(report, `${mode}: Node.js client with a wrong key is refused by the C++ server`,
    await nodeClient(WRONG_AUTH_KEY), PEER_CLIENT_REFUSED);

  await checkCleanExit(report, `${mode}: C++ server exits with code 0 on SIGTERM`, server);
}

/** b. The Node.js server against the C++ client. */
async function checkCxxClient(report, options, encryption) {
  const mode = encryption ? 'encryption on' : 'encryption off';
  const flags = encryption ? [] : ['--no-encryption'];
  const started = await startServer(report, `${mode}: Node.js server starts`,
    process.execPath, [PEER, 'server', '--port', '0', '--auth-key', AUTH_KEY, ...flags], /^LISTENING (\d+)$/);
  if (!started) return;
  const { server, address: port } = started;

  const failedBefore = report.failed;
  const cxxClient = (authKey, ...requestArgs) => run(options['client-bin'],
    ['--url', `ws://127.0.0.1:${port}`, '--auth-key', authKey, ...flags, '--timeout', CXX_CLIENT_TIMEOUT_ARG, ...requestArgs],
    CLIENT_TIMEOUT_MS);
  checkResponse(report, `${mode}: C++ client gets its echo from the Node.js server`,
    await cxxClient(AUTH_KEY, 'echo', JSON.stringify(ECHO_DATA)), ECHO_DATA);
  checkResponse(report, `${mode}: C++ client gets "pong" for ping without data`, await cxxClient(AUTH_KEY, 'ping'), 'pong');
  checkFailure(report, `${mode}: C++ client with a wrong key exits non-zero`, await cxxClient(WRONG_AUTH_KEY, 'ping'));

  // The Node.js server is not under test here (selftest.mjs checks it), but
  // its log tells why it refused a C++ client.
  await server.stop(STOP_TIMEOUT_MS);
  if (report.failed > failedBefore) {
    for (const line of server.describe()) console.log(`#   Node.js server ${line}`);
  }
}

function parseOptions() {
  const usage = 'usage: node interop.mjs --server-bin PATH --client-bin PATH --handler-dir DIR';
  try {
    const { values } = parseArgs({
      options: {
        'server-bin': { type: 'string' },
        'client-bin': { type: 'string' },
        'handler-dir': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const missing = ['server-bin', 'client-bin', 'handler-dir'].filter((name) => values[name] === undefined);
    if (missing.length > 0) throw new Error(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
    return values;
  } catch (error) {
    process.stderr.write(`interop: ${error.message}\n${usage}\n`);
    return process.exit(2);
  }
}

const options = parseOptions();
const report = new Reporter();
for (const encryption of [true, false]) await checkCxxServer(report, options, encryption);
for (const encryption of [true, false]) await checkCxxClient(report, options, encryption);
process.exit(report.finish());
