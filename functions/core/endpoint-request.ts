import * as z from './validation';
import { CIRCUIT_BOUNDS, ENDPOINT_BODY, MAX_ENDPOINT_HEADERS, USER_ID_PATTERN, type CircuitSettings, type EndpointBody } from './endpoint';
import { PARTNER_NAME_PATTERN } from './partner-name';

/** The longest endpoint URL. */
export const MAX_ENDPOINT_URL_LENGTH = 2048;

/** The longest endpoint description. */
export const MAX_DESCRIPTION_LENGTH = 200;

/** The longest static header value. */
export const MAX_HEADER_VALUE_LENGTH = 1024;

/**
 * Headers a delivery sets itself, refused as static headers (compared without
 * case): the transport's own, the signature's, and the pipeline's.
 */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'webhook-progress-url',
  'x-job-attempt',
  'x-correlation-id',
]);

/** An HTTP header name: one or more token characters (RFC 9110). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

const bodies = Object.values(ENDPOINT_BODY) as [EndpointBody, ...EndpointBody[]];

/** Why `text` is not a URL an endpoint may have, or `undefined` when it may. */
function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute http or https URL, e.g. https://app.example.com/hooks';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `url must use http or https, not ${url.protocol.slice(0, -1)}`;
  if (url.username !== '' || url.password !== '') return 'url must not hold credentials; send them as a static header instead';
  return undefined;
}

const urlSchema = () => z.string({ error: 'url must be a string' }).check(
  z.maxLength(MAX_ENDPOINT_URL_LENGTH, { error: `url must be at most ${MAX_ENDPOINT_URL_LENGTH} characters` }),
  z.superRefine((text, context) => {
    const problem = urlProblem(text);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: text });
  }),
);

const PARTNER_MESSAGE = 'partner must be a partner name (1–40 lowercase letters, digits or dashes), the one whose jobs may name this endpoint';

const partnerSchema = () => z.string({ error: PARTNER_MESSAGE }).check(z.regex(PARTNER_NAME_PATTERN, { error: PARTNER_MESSAGE }));

const descriptionSchema = () => z
  .string({ error: 'description must be a string' })
  .check(z.maxLength(MAX_DESCRIPTION_LENGTH, { error: `description must be at most ${MAX_DESCRIPTION_LENGTH} characters` }));

const headersSchema = () => z
  .record(z.string(), z.string({ error: 'each header value must be a string' }), {
    error: 'headers must be an object of header names and string values',
  })
  .check(
    z.superRefine((headers, context) => {
      const names = Object.keys(headers);
      if (names.length > MAX_ENDPOINT_HEADERS) {
        context.addIssue({ code: 'custom', message: `headers may hold at most ${MAX_ENDPOINT_HEADERS} headers`, input: headers });
      }
      const seen = new Set<string>();
      for (const name of names) {
        const lower = name.toLowerCase();
        const value = headers[name] ?? '';
        const issue = (message: string) => context.addIssue({ code: 'custom', message, path: [name], input: value });
        if (!HEADER_NAME.test(name)) issue(`"${name}" is not a header name: letters, digits and !#$%&'*+-.^_\`|~ only`);
        else if (RESERVED_HEADER_NAMES.has(lower)) issue(`${name} is set by the delivery itself and cannot be a static header`);
        else if (seen.has(lower)) issue(`${name} is given twice (header names ignore case)`);
        else if (value.length > MAX_HEADER_VALUE_LENGTH) issue(`the value of ${name} must be at most ${MAX_HEADER_VALUE_LENGTH} characters`);
        else if (/[\r\n\0]/.test(value)) issue(`the value of ${name} must not hold line breaks or NUL`);
        seen.add(lower);
      }
    }),
  );

const bodySchema = () => z.enum(bodies, { error: `body must be one of ${bodies.join(', ')}` });

const boundedInt = (name: string, bounds: { readonly min: number; readonly max: number }) => {
  const message = `${name} must be a whole number from ${bounds.min} to ${bounds.max}`;
  return z.number({ error: message }).check(z.int({ error: message }), z.minimum(bounds.min, { error: message }), z.maximum(bounds.max, { error: message }));
};

const circuitFields = () => ({
  failure_threshold: z.optional(boundedInt('circuit.failure_threshold', CIRCUIT_BOUNDS.failureThreshold)),
  cooldown_seconds: z.optional(boundedInt('circuit.cooldown_seconds', CIRCUIT_BOUNDS.cooldownSeconds)),
});

const circuitError = { error: 'circuit must be an object such as { "failure_threshold": 5, "cooldown_seconds": 30 }' };

/**
 * The body of `POST /admin/endpoints`. Unknown fields are refused so a typo is
 * an error, not an ignored setting. Built on its first use, as the change
 * request below: an admin cold start that registers nothing builds neither.
 */
export const newEndpointRequestSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject(
    {
      user_id: z.string({ error: 'user_id is required: the user whose app this endpoint is' }).check(
        z.regex(USER_ID_PATTERN, { error: 'user_id must be 1–64 letters, digits, - or _' }),
      ),
      url: urlSchema(),
      description: z.optional(descriptionSchema()),
      partner: z.optional(partnerSchema()),
      headers: z.optional(headersSchema()),
      body: z.optional(bodySchema()),
      circuit: z.optional(z.strictObject(circuitFields(), circuitError)),
    },
    { error: 'the body must be a JSON object such as { "user_id": "shop-42", "url": "https://app.example.com/hooks" }' },
  ),
);

/** A checked registration request. */
export type NewEndpointRequest = z.output<typeof newEndpointRequestSchema>;

/** The body of `PATCH /admin/endpoints/{id}`: at least one field; `user_id` cannot change. */
export const endpointChangeRequestSchema = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject(
      {
        user_id: z.optional(z.never({ error: 'user_id cannot change: register a new endpoint for the other user, and remove this one' })),
        url: z.optional(urlSchema()),
        description: z.optional(descriptionSchema()),
        partner: z.optional(z.nullable(partnerSchema())),
        headers: z.optional(headersSchema()),
        body: z.optional(bodySchema()),
        enabled: z.optional(z.boolean({ error: 'enabled must be true or false' })),
        circuit: z.optional(
          z.strictObject(circuitFields(), circuitError).check(
            z.refine((circuit) => circuit.failure_threshold !== undefined || circuit.cooldown_seconds !== undefined, {
              error: 'circuit must give failure_threshold, cooldown_seconds or both',
            }),
          ),
        ),
      },
      { error: 'the body must be a JSON object such as { "enabled": false }' },
    )
    .check(
      z.refine((body) => Object.values(body).some((value) => value !== undefined), {
        error: 'give at least one of url, description, partner, headers, body, enabled, circuit',
      }),
    ),
);

/** A checked change request. */
export type EndpointChangeRequest = z.output<typeof endpointChangeRequestSchema>;

/** The breaker settings a request gives, camelCased; `undefined` when it gives none. */
export function circuitSettingsOf(circuit: { failure_threshold?: number; cooldown_seconds?: number } | undefined): Partial<CircuitSettings> | undefined {
  if (circuit === undefined) return undefined;
  return {
    ...(circuit.failure_threshold === undefined ? {} : { failureThreshold: circuit.failure_threshold }),
    ...(circuit.cooldown_seconds === undefined ? {} : { cooldownSeconds: circuit.cooldown_seconds }),
  };
}
