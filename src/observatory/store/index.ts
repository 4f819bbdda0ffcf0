export { type DomainStatus, domainStatus } from './domain-status.ts';
export { DEFAULT_SQLITE_PATH, type OpenStoreOptions, openStore } from './open-store.ts';
export type { ScanStatus } from './schema.ts';
export type { DomainState, ScanInfo, ScanView, Store, StoreKind, StoreStats } from './store.ts';
