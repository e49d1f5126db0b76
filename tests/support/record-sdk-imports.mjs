// node --import this-file: writes one line to stderr for each AWS SDK module the program asks for.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('@aws-sdk/')) process.stderr.write(`loads ${specifier}\n`);
    return nextResolve(specifier, context);
  },
});
