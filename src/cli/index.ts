import { main } from './main';

const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
process.exitCode = await main(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr) });
