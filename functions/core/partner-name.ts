/**
 * Partner names: the names API keys map to (`-c partners=acme,globex`), as
 * jobs record them and endpoints name the partner allowed to send to them.
 */
export const PARTNER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
