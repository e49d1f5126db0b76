import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

// The moto AWS emulator as a child process on a free loopback port: the end-to-end tests and the
// benchmark share it.

export const INSTALL_HINT = 'this needs the moto AWS emulator: pip install "moto[server]"';
const START_TIMEOUT_MS = 30_000;

export interface MotoServer {
  endpoint: string;
  /** Stops the process this started, by its pid. */
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady(endpoint: string, moto: ChildProcess, stderr: () => string): Promise<void> {
  const giveUpAt = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < giveUpAt) {
    if (moto.exitCode !== null) throw new Error(`moto server exited with code ${moto.exitCode}: ${stderr().trim()}\n${INSTALL_HINT}`);
    const ready = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto server did not answer within ${START_TIMEOUT_MS / 1000} s: ${stderr().trim()}\n${INSTALL_HINT}`);
}

/** `command` is for the test of this fixture: a machine without moto. */
export async function startMoto(command = ['python3', '-m', 'moto.server']): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Without the default AMIs (and their 1,177 snapshots) EC2 starts fast and DescribeSnapshots shows only ours.
  const [program = 'python3', ...args] = command;
  const moto = spawn(program, [...args, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  moto.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const spawnFailed = new Promise<never>((_resolve, reject) =>
    moto.once('error', (error) => reject(new Error(`cannot start ${command.join(' ')}: ${error.message}\n${INSTALL_HINT}`))),
  );
  const stop = () => {
    if (moto.pid !== undefined && moto.exitCode === null) process.kill(moto.pid, 'SIGTERM');
    process.off('exit', stop);
  };
  // Interrupted runs skip teardown; the exit hook still stops the server.
  process.once('exit', stop);
  try {
    await Promise.race([waitUntilReady(endpoint, moto, () => stderr), spawnFailed]);
  } catch (error) {
    stop();
    throw error;
  }
  return { endpoint, stop };
}
