// Gives each JS test file a server URL: QDRANT_URL when set (a real Qdrant 1.19 or a running
// Sextant), otherwise the built server started on a free loopback port with a temporary storage
// directory, the same way the Python suite does it (COMPAT_SERVER_BIN / COMPAT_SERVER_CWD
// override the binary and its working directory).
// Invariant: a server this module starts is stopped by the returned stop() and removed from disk.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitReady(url, child, logPath, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited (${child.exitCode}):\n${readFileSync(logPath, 'utf8')}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready after ${timeoutMs} ms`);
}

export async function startServer() {
  if (process.env.QDRANT_URL) {
    return { url: process.env.QDRANT_URL.replace(/\/$/, ''), apiKey: process.env.QDRANT_API_KEY, stop: async () => {} };
  }
  const binary = process.env.COMPAT_SERVER_BIN ?? join(repoRoot, 'build', 'sextant');
  if (!existsSync(binary)) throw new Error(`server binary ${binary} not found: build it first`);
  const root = mkdtempSync(join(tmpdir(), 'sextant-compat-js-'));
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const logPath = join(root, 'server.log');
  const log = openSync(logPath, 'a');
  const child = spawn(binary, [], {
    cwd: process.env.COMPAT_SERVER_CWD ?? repoRoot,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      QDRANT__SERVICE__HOST: '127.0.0.1',
      QDRANT__SERVICE__HTTP_PORT: String(httpPort),
      QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
      QDRANT__STORAGE__STORAGE_PATH: join(root, 'storage'),
      QDRANT__STORAGE__SNAPSHOTS_PATH: join(root, 'snapshots'),
      QDRANT__TELEMETRY_DISABLED: 'true',
    },
  });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitReady(url, child, logPath, 60_000);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(root, { recursive: true, force: true });
  };
  return { url, apiKey: undefined, stop };
}

// Records console.warn calls (the client warns on version mismatch) so tests can assert none.
export function captureWarnings() {
  const warnings = [];
  const original = console.warn;
  console.warn = (...args) => warnings.push(args.join(' '));
  return { warnings, restore: () => { console.warn = original; } };
}

export function uniqueName(prefix) {
  return `${prefix}_${Math.random().toString(16).slice(2, 12)}`;
}
