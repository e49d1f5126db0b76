// The moto AWS emulator and an account in it: one module for the end-to-end tests, `npm run bench`
// and `npm run demo:emulator`.
export * from './account';
export { INSTALL_HINT, type MotoServer, startMoto } from './moto';
