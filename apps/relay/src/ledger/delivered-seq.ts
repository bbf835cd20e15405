// Cluster mode's per-slave dedup of stream signals (docs/cluster.md, A relay is killed and restarted): each
// member's highest handed-over sequence number, kept in the `delivery_seq` table beside the delivery ledger.

/** A member's highest handed-over sequence number of a cluster signal (per-slave dedup, docs/cluster.md). */
export interface DeliveredSeq {
  masterAccount: string;
  slaveAccount: string;
  seq: number;
  updatedAt: Date;
}

/** Where cluster mode keeps each member's highest handed-over sequence number (the `delivery_seq` table). */
export interface DeliveredSeqStore {
  loadDeliveredSeqs(): Promise<DeliveredSeq[]>;
  /** Raises each member's highest handed-over sequence number (never lowers it). */
  raiseDeliveredSeqs(rows: DeliveredSeq[]): Promise<void>;
  /** Deletes the rows last raised before `before` (cluster/seq-prune.ts says which instant is safe). */
  pruneDeliveredSeqs(before: Date): Promise<number>;
}
