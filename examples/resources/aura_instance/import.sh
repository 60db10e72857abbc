# Import by instance id and version. The API never returns the Neo4j version or the password: append ":4" or ":5";
# the password stays empty in state.
terraform import aura_instance.legacy 7c1d9e20:4

# With the instance id alone, no version is recorded: the next plan records the configured one (default 5) in
# place, with a warning, and never replaces the instance for it. Check it before applying.
terraform import aura_instance.orders 2f49c2b3
