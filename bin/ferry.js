#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npm link` / `npx ferry` work without a build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
