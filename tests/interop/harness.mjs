// SPDX-License-Identifier: MIT
//
// Helpers shared by selftest.mjs and interop.mjs: child processes whose every
// wait is bounded and which are all killed when the test exits, a reporter
// printing one "ok - ..." / "not ok - ..." line per check, and the checks
// both make on servers (start, clean exit) and clients (response, failure).

import { spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';

/** How long a server may take to report that it listens, in milliseconds. */
const START_TIMEOUT_MS = 15_000;
/** How long a server may take to exit after SIGTERM, in milliseconds. */
export const STOP_TIMEOUT_MS = 5_000;

/** Every child still running; killed when this process exits, however it exits. */
const liveChildren = new Set();

process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});
// Turn signals into a normal exit, so the 'exit' handler above runs.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(1));
}

/** Quotes a command-line argument for display, as a POSIX shell would need it. */
function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Describes an exit status { code, signal, timedOut, error } for a failure message. */
function describeStatus({ code, signal, timedOut, error }) {
  if (error) return `could not run: ${error.message}`;
  return `exit code ${code}, signal ${signal}${timedOut ? ', timed out' : ''}`;
}

/** Resolves with `promise`'s value, or with `fallback` after `ms` milliseconds. */
function withTimeout(promise, ms, fallback) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A child process with its output collected as text. */
class Child {
  constructor(command, args) {
    this.command = [command, ...args].map(shellQuote).join(' ');
    this.stdout = '';
    this.stderr = '';
    // In a process group of its own, so that signals reach its children too.
    this.process = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    liveChildren.add(this);
    this.process.stdout.setEncoding('utf8');
    this.process.stderr.setEncoding('utf8');
    this.process.stdout.on('data', (text) => { this.stdout += text; });
    this.process.stderr.on('data', (text) => { this.stderr += text; });
    // `exited`: the exit status; `closed`: the same, once all output is read too.
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => resolve({ code, signal }));
      this.process.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    this.closed = new Promise((resolve) => {
      this.process.once('close', (code, signal) => resolve({ code, signal }));
      this.process.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    this.exited.then(() => liveChildren.delete(this));
  }

  /** Sends `signal` to the child's process group, if the child was started. */
  kill(signal) {
    if (this.process.pid === undefined) return;
    try {
      process.kill(-this.process.pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /** True until the process has exited. */
  get running() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /**
   * Waits for a complete stdout line matching `regex` and resolves with the
   * match; rejects if the process exits first or after `timeoutMs`.
   */
  waitForLine(regex, timeoutMs) {
    const search = () => {
      const lines = this.stdout.split('\n').slice(0, -1); // complete lines only
      for (const line of lines) {
        const match = regex.exec(line);
        if (match) return match;
      }
      return null;
    };
    return new Promise((resolve, reject) => {
      const finish = (callback, value) => {
        clearTimeout(timer);
        this.process.stdout.off('data', onData);
        callback(value);
      };
      const onData = () => {
        const match = search();
        if (match) finish(resolve, match);
      };
      const timer = setTimeout(() => finish(reject, new Error(`no line matching ${regex} within ${timeoutMs} ms`)), timeoutMs);
      this.process.stdout.on('data', onData);
      this.exited.then(({ code, signal, error }) => {
        finish(reject, new Error(`exited (${error?.message ?? `code ${code}, signal ${signal}`}) before printing a line matching ${regex}`));
      });
      onData();
    });
  }

  /**
   * Sends SIGTERM and waits up to `timeoutMs` for the exit. Resolves with
   * { code, signal, timedOut }; after a timeout the process is killed.
   */
  async stop(timeoutMs) {
    this.kill('SIGTERM');
    const status = await withTimeout(this.exited, timeoutMs, null);
    if (status) return { ...status, timedOut: false };
    this.kill('SIGKILL');
    return { ...(await this.exited), timedOut: true };
  }

  /** Details for a failure message: the command line and its output so far. */
  describe() {
    return [`command: ${this.command}`, `stdout: ${JSON.stringify(this.stdout)}`, `stderr: ${JSON.stringify(this.stderr)}`];
  }
}

/**
 * Runs a command to completion, killing it after `timeoutMs`. Resolves with the
 * Child and { code, signal, timedOut }.
 */
export async function run(command, args, timeoutMs) {
  const child = new Child(command, args);
  const status = await withTimeout(child.closed, timeoutMs, null);
  if (status) return { child, ...status, timedOut: false };
  child.kill('SIGKILL');
  // Not `closed`: a grandchild may still hold the output pipes open.
  return { child, ...(await child.exited), timedOut: true };
}

/** Prints one line per check and a final "N passed, M failed" line. */
export class Reporter {
  passed = 0;
  failed = 0;

  /** Records a check; `details` (lines) are printed under a failed check as "# ..." comments. */
  check(name, ok, details = []) {
    if (ok) {
      this.passed += 1;
      console.log(`ok - ${name}`);
    } else {
      this.failed += 1;
      console.log(`not ok - ${name}`);
      for (const line of details) console.log(`#   ${line}`);
    }
    return ok;
  }

  /** Prints the summary line and returns the exit status: 0 if all passed, else 1. */
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

/**
 * Starts a server and waits for the stdout line matching `readyRegex`, as the
 * check `name`. Resolves with { server, address } (the first capture group),
 * or with null once a server that failed to start is stopped.
 */
export async function startServer(report, name, command, args, readyRegex) {
  const server = new Child(command, args);
  try {
    const match = await server.waitForLine(readyRegex, START_TIMEOUT_MS);
    report.check(name, true);
    return { server, address: match[1] };
  } catch (error) {
    report.check(name, false, [error.message, ...server.describe()]);
    await server.stop(STOP_TIMEOUT_MS);
    return null;
  }
}

/** Stops a server with SIGTERM, checking that it was running and exits with code 0 in time. */
export async function checkCleanExit(report, name, server) {
  const running = server.running;
  const status = await server.stop(STOP_TIMEOUT_MS);
  report.check(name, running && !status.timedOut && status.code === 0,
    [`running before SIGTERM: ${running}, ${describeStatus(status)}`, ...server.describe()]);
}

/**
 * Checks the result of a client run that should succeed and print `expected`
 * as the response: exit code 0 and stdout one line of compact JSON that
 * deep-equals `expected`.
 */
export function checkResponse(report, name, result, expected) {
  const { child, code, timedOut } = result;
  const details = () => [describeStatus(result), ...child.describe()];
  if (timedOut || code !== 0) return report.check(name, false, details());
  const match = /^([^\n]*)\n?$/.exec(child.stdout);
  if (!match) return report.check(name, false, ['stdout is not a single line', ...details()]);
  let value;
  try {
    value = JSON.parse(match[1]);
  } catch (error) {
    return report.check(name, false, [`stdout is not JSON: ${error.message}`, ...details()]);
  }
  if (JSON.stringify(value) !== match[1]) return report.check(name, false, ['stdout is not compact JSON', ...details()]);
  return report.check(name, isDeepStrictEqual(value, expected), [`expected ${JSON.stringify(expected)}`, ...details()]);
}

/**
 * What a peer.mjs client prints on stderr when the server refused it: it
 * connected, then the server closed the connection or never answered.
 */
export const PEER_CLIENT_REFUSED = /connection closed by the server|timed out/;

/**
 * Checks the result of a client run that should fail: a non-zero exit code,
 * in time, and with `stderrPattern` (if given) matching its stderr.
 */
export function checkFailure(report, name, result, stderrPattern = null) {
  const { child, code, timedOut } = result;
  const failed = !timedOut && code !== 0 && code !== null;
  const why = stderrPattern === null || stderrPattern.test(child.stderr);
  return report.check(name, failed && why,
    [describeStatus(result), ...(why ? [] : [`stderr does not match ${stderrPattern}`]), ...child.describe()]);
}
