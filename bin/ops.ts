#!/usr/bin/env node
import { runOps } from '../ops/program';
import { connectAdminApi, terminalIo } from '../ops/terminal';

/** `npm run ops -- <command>`: the operators' CLI over the admin routes. */
void runOps(process.argv.slice(2), terminalIo(), connectAdminApi).then((code) => {
  process.exitCode = code;
});
