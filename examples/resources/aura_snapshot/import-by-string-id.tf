# "<instance_id>/<snapshot_id>": the instance (8 hex characters) and the snapshot (a UUID), as aura_snapshots lists them.
import {
  to = aura_snapshot.before_migration
  id = "2f49c2b3/5e7cb4ef-9490-4965-9a15-ef454a4677f1"
}
