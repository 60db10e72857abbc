# Import by instance id. The API never returns the Neo4j version or the password: the version defaults to 5
# (append ":4" for a version 4 instance) and the password stays empty in state.
terraform import aura_instance.orders 2f49c2b3
terraform import aura_instance.legacy 7c1d9e20:4
