# Import by instance id, version, source instance and (optionally) source snapshot: the API does not say where an
# instance's data came from, and source_instance_id is required, so the id carries it and the next plan is empty.
# An id without the source is refused. Nothing is copied by an import.
terraform import aura_instance_from_snapshot.staging 2f49c2b3:5:9a1b2c3d:5e7cb4ef-9490-4965-9a15-ef454a4677f1
terraform import aura_instance_from_snapshot.staging 2f49c2b3:5:9a1b2c3d
