import { en } from 'zod/locales';
import { config } from 'zod/mini';

// zod's tree-shakable build: a Lambda bundle carries only the validators it uses, with the English
// messages zod gives by default. Schema modules import `z` from 'zod/mini' and this module once.
config(en());

export * from 'zod/mini';
