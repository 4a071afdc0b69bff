import type { LocalCloud } from './local-cloud';
import { sampleJob, type SampleJob } from './sample-job';

/** The contents of `.local-cloud.json`, for scripts. */
export interface LocalCloudFile {
  readonly api_url: string;
  readonly api_keys: Readonly<Record<string, string>>;
  readonly admin: { readonly access_key_id: string; readonly secret_access_key: string; readonly region: string };
  readonly signing_secrets: Readonly<Record<string, string>>;
}

/** What `.local-cloud.json` holds for a running cloud. */
export function localCloudFile(cloud: Pick<LocalCloud, 'apiUrl' | 'apiKeys' | 'admin' | 'signingSecrets'>): LocalCloudFile {
  return { api_url: cloud.apiUrl, api_keys: { ...cloud.apiKeys }, admin: { ...cloud.admin }, signing_secrets: { ...cloud.signingSecrets } };
}

/** `text` as one single-quoted shell word. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The text `npm start` prints when ready: the API URL, each partner's key,
 * the admin credentials, and commands to copy: post a job (`sample`, by
 * default one the catalog's data schema for its queue accepts) and read its
 * status, and call an admin route signed with SigV4 (curl's `--aws-sigv4`).
 *
 * @example
 * console.log(readyText(localCloudFile(cloud), { seconds: 14.2, file: '.local-cloud.json' }));
 */
export function readyText(file: LocalCloudFile, details: { readonly seconds: number; readonly file: string; readonly sample?: SampleJob }): string {
  const queues = Object.keys(file.signing_secrets);
  const { queue, data } = details.sample ?? sampleJob(queues);
  const [partner, key] = Object.entries(file.api_keys)[0] ?? ['<partner>', '<api key>'];
  const url = file.api_url;
  const lines = [
    '',
    `Local cloud ready in ${details.seconds.toFixed(1)} s`,
    '',
    `  API            ${url}`,
    ...Object.entries(file.api_keys).map(([name, value]) => `  API key        ${name}: ${value}`),
    `  admin (SigV4)  access key ${file.admin.access_key_id}  secret ${file.admin.secret_access_key}  region ${file.admin.region}`,
    `  queues         ${queues.length > 0 ? queues.join(', ') : '(none)'}`,
    `  written to     ${details.file}`,
    '',
    `Post a job (as ${partner}) and read its status:`,
    '',
    `  JOB_ID=$(curl -s -X POST ${url}/jobs/${queue} -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
    `    -d ${shellQuoted(JSON.stringify({ data }))} | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).job_id')`,
    `  curl -s "${url}/jobs/$JOB_ID?wait=10" -H 'x-api-key: ${key}'`,
    '',
    'Call an admin route (signed with the admin credentials):',
    '',
    `  curl -s --aws-sigv4 'aws:amz:${file.admin.region}:execute-api' --user '${file.admin.access_key_id}:${file.admin.secret_access_key}' ${url}/queue/status`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}
