import type { Io } from '../../src/cli/io';
import { main } from '../../src/cli/main';

export interface WardenRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `warden <args...>` in-process with captured output, as a terminal user would run it. */
export async function runWarden(
  args: string[],
  { env = {}, stdin, ...io }: { env?: Record<string, string>; stdin?: string } & Pick<Io, 'colour' | 'progress'> = {},
): Promise<WardenRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    args,
    {
      stdout: (text) => stdout.push(text),
      stderr: (text) => stderr.push(text),
      readStdin: async () => Buffer.from(stdin ?? ''),
      ...io,
    },
    // No region from the machine's own ~/.aws/config: each test names what it relies on.
    { AWS_CONFIG_FILE: '/nonexistent/aws-config', ...env },
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

export const warden = (...args: string[]) => runWarden(args);
