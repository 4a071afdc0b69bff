import type { PseudoParameters } from './intrinsics';

/** The local endpoints that stand in for AWS service URLs. */
export interface LocalServiceUrls {
  /** The base of the local queue URLs, `<base>/<queue name>`. */
  readonly queueUrlBase: string;
  /** The SQS endpoint the functions use. */
  readonly sqsEndpoint: string;
  /** The REST API, when there is one: its id, stage, and local URL (without a trailing slash). */
  readonly api?: { readonly restApiId: string; readonly stageName: string; readonly url: string };
}

/** One prefix rewrite: `from` (an AWS URL) becomes `to` (its local stand-in). */
export interface UrlRewrite {
  readonly from: string;
  readonly to: string;
}

/**
 * The one place where AWS service URLs become local ones.
 *
 * A template builds some URLs itself rather than taking them from a resource:
 * the pipeline's functions get `QUEUE_URL_BASE` as `https://sqs.` + region +
 * `.` + URL suffix + `/` + account and append queue names to it, and an API's
 * endpoint output is `https://<api id>.execute-api.<region>.<suffix>/<stage>/`.
 * Resolving the pseudo parameters faithfully yields the real AWS URLs; this
 * table then maps each such URL prefix to the local endpoint serving it, so
 * that `QUEUE_URL_BASE/<name>` is exactly the emulator's URL for that queue.
 * Rewriting the resolved string (rather than giving `AWS::URLSuffix` a local
 * value) keeps every other use of the suffix and region correct, and covers
 * `Fn::Join` and `Fn::Sub` alike.
 *
 * The longest prefix wins, so the queue base is matched before the bare SQS
 * endpoint.
 *
 * @example
 * const rewrites = serviceUrlRewrites(pseudo, { queueUrlBase, sqsEndpoint });
 * localizeUrl('https://sqs.us-east-1.amazonaws.com/000000000000/jobs-dev-email', rewrites);
 * // 'http://sqs.us-east-1.local@127.0.0.1:4566/000000000000/jobs-dev-email'
 */
export function serviceUrlRewrites(pseudo: PseudoParameters, local: LocalServiceUrls): UrlRewrite[] {
  const { region, urlSuffix, accountId } = pseudo;
  const sqsHost = `sqs.${region}.${urlSuffix}`;
  const rewrites: UrlRewrite[] = [
    { from: `https://${sqsHost}/${accountId}`, to: local.queueUrlBase.replace(/\/+$/, '') },
    { from: `https://${sqsHost}`, to: local.sqsEndpoint.replace(/\/+$/, '') },
    // The legacy global form some tools still write.
    { from: `https://queue.${urlSuffix}/${accountId}`, to: local.queueUrlBase.replace(/\/+$/, '') },
  ];
  if (local.api !== undefined) {
    const { restApiId, stageName, url } = local.api;
    rewrites.push({ from: `https://${restApiId}.execute-api.${region}.${urlSuffix}/${stageName}`, to: url.replace(/\/+$/, '') });
  }
  return rewrites.sort((a, b) => b.from.length - a.from.length);
}

/**
 * `value` with its AWS service URL prefix replaced by the local one, if it
 * starts with one (followed by its end, `/`, `?` or `#`); else `value` as is.
 */
export function localizeUrl(value: string, rewrites: readonly UrlRewrite[]): string {
  for (const { from, to } of rewrites) {
    if (value === from) return to;
    if (value.startsWith(from) && '/?#'.includes(value.charAt(from.length))) return to + value.slice(from.length);
  }
  return value;
}
