// How a trade group's copies reach its members' EAs (docs/protocol.md D23). Free of Node modules: the web UI uses it.
export const DELIVERY_MODES = ['shared', 'isolated'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** The DLL's id fields are 64 bytes with the NUL (docs/protocol.md D23), so an alias is at most 63 bytes. */
export const MAX_ALIAS_BYTES = 63;
