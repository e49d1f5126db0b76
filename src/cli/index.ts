import { main } from './main';
import { wantsColour } from './style';

const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
// `warden patterns | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  colour: wantsColour(process.stdout, process.env),
  progress: Boolean(process.stderr.isTTY),
});
