/** Where a command reads and writes: the terminal in `warden`, buffers in tests. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Style the readable output (stdout is a terminal and NO_COLOR is unset). */
  colour?: boolean;
  /** Show a progress bar on stderr (stderr is a terminal). */
  progress?: boolean;
  /** Standard input, for the path `-`. */
  readStdin?: () => Promise<Buffer>;
}
