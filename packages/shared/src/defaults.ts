// Defaults every process shares (docs/architecture.md, Processes, ports and environment): the relay binds these ports, the web app points the EA ini and
// its relay URL at them, and the scripts and the EA simulator fall back to them. Written once, here.

/** ZeroMQ receiver (EA → relay PULL), publisher (relay PUB → EA), the relay's HTTP API and the web app. */
export const DEFAULT_PORTS = { receiver: 5555, publisher: 5556, relayHttp: 3001, web: 3000 } as const;
