variable "instance_id" {
  description = "The instance whose backups the drill proves: its newest exportable snapshot is cloned."
  type        = string
}

variable "instance_version" {
  description = "The instance's Neo4j major version, `4` or `5`. Aura does not return it; the clone gets the same one."
  type        = string
  default     = "5"
}

variable "name" {
  description = "Name of the temporary instance."
  type        = string
  default     = "restore-drill"
}

variable "memory" {
  description = "Memory of the temporary instance. Default: the same as the instance's."
  type        = string
  default     = null
}

variable "max_snapshot_age" {
  description = "The drill fails when the newest exportable snapshot was taken longer ago than this (a duration such as `26h`)."
  type        = string
  default     = "26h"
}

variable "verify_command" {
  description = <<-EOT
    A shell command run once the clone is running, to prove its data is there (a query with cypher-shell, say).
    It gets CLONE_ID, CLONE_URL, CLONE_USERNAME, CLONE_PASSWORD and SNAPSHOT_ID in its environment; a non-zero
    exit fails the drill. Default: none.
  EOT
  type        = string
  default     = null
}
