# Import by "<instance_id>/<snapshot_id>".
terraform import aura_snapshot.before_migration 2f49c2b3/6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77
