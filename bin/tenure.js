#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  console.error(`tenure: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
