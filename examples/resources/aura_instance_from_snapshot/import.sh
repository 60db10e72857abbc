# Import by instance id (the source attributes are not returned by the API and stay as configured).
terraform import aura_instance_from_snapshot.staging 2f49c2b3
