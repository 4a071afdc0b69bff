import * as z from './validation';

/**
 * A transform from text to the JSON it holds, for variables that carry JSON:
 * text that is not JSON is one issue with `message`, and parsing stops there
 * (a `pipe` after it does not run).
 *
 * @example
 * const variable = z.pipe(z.pipe(z.string(), z.transform(jsonText('QUEUES must be JSON'))), z.array(z.unknown()));
 */
export function jsonText(message: string): (text: string, payload: z.core.ParsePayload) => unknown {
  return (text, payload) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      payload.issues.push({ code: 'custom', message, input: text });
      return z.NEVER;
    }
  };
}
