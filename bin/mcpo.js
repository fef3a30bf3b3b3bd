#!/usr/bin/env node
// The CLI is compiled to build/ by `npm install` (the prepare script) or `npm run build`.
import { main } from '../build/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
