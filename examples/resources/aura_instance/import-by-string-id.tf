# Adopt an instance made in the console: its id (8 hex characters), and ":4" after it for a Neo4j 4 instance.
import {
  to = aura_instance.orders
  id = "2f49c2b3"
}
