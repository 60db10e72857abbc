# Adopt a clone: "<id>:<version>:<source_instance_id>:<source_snapshot_id>". The API does not say where an
# instance's data came from, so the id carries it, and the next plan is empty. Nothing is copied by an import.
import {
  to = aura_instance_from_snapshot.staging
  id = "7c1d9e20:5:2f49c2b3:5e7cb4ef-9490-4965-9a15-ef454a4677f1"
}
