import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { signedAdminApi, type AdminApi } from './admin-api';
import type { GlobalOptions } from './commands/command-kit';
import { resolveConnection } from './connection';
import type { OpsIo } from './io';

/** The process's own terminal. */
export function terminalIo(): OpsIo {
  const tty = process.stdout.isTTY === true;
  let lastProgress = '';
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progress: (line) => {
      if (tty) process.stdout.write(`\r\u001b[2K${line}`);
      else if (line !== lastProgress) process.stdout.write(`${line}\n`);
      lastProgress = line;
    },
    endProgress: () => {
      if (tty && lastProgress !== '') process.stdout.write('\n');
      lastProgress = '';
    },
    interactive: process.stdin.isTTY === true && tty,
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
    sleep: (ms) => sleep(ms),
  };
}

/** Connects as the options say: `--api-url` with the AWS credential chain, else the local cloud's file. */
export async function connectAdminApi(options: GlobalOptions): Promise<AdminApi> {
  const connection = await resolveConnection(
    { apiUrl: options.apiUrl, region: options.region, config: options.config },
    {
      readFile: async (path) => {
        try {
          return await readFile(path, 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw error;
        }
      },
      env: process.env,
      credentialChain: () => fromNodeProviderChain(),
    },
  );
  return signedAdminApi(connection);
}
