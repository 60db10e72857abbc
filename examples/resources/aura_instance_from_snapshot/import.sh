# Import by instance id, version, source instance and source snapshot: the API does not say where an instance's
# data came from, so the id carries it and the next plan is empty. Nothing is copied by an import.
terraform import aura_instance_from_snapshot.staging 2f49c2b3:5:9a1b2c3d:5e7cb4ef-9490-4965-9a15-ef454a4677f1

# With the instance id alone, the source settings of the configuration are recorded by the next apply, in place.
terraform import aura_instance_from_snapshot.staging 2f49c2b3
