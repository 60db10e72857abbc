# By instance id (a Neo4j 5 instance), or "<id>:4" for a Neo4j 4 one: the API never returns the version.
terraform import aura_instance.orders 2f49c2b3
terraform import aura_instance.orders 7c1d9e20:4
