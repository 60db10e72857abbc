# "<id>:<version>:<source_instance_id>:<source_snapshot_id>"; without the snapshot (a clone Aura made from a fresh
# snapshot of its source): "<id>:<version>:<source_instance_id>".
terraform import aura_instance_from_snapshot.staging 7c1d9e20:5:2f49c2b3:5e7cb4ef-9490-4965-9a15-ef454a4677f1
terraform import aura_instance_from_snapshot.staging 7c1d9e20:5:2f49c2b3
