# "<instance_id>/<snapshot_id>".
terraform import aura_snapshot.before_migration 2f49c2b3/5e7cb4ef-9490-4965-9a15-ef454a4677f1
