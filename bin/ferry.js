#!/usr/bin/env node
// Runs the TypeScript sources through tsx (bin/ferry starts this when there is no build in dist/).
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
