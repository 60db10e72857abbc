# A restore drill: clone the newest exportable snapshot of an instance into a temporary instance of the same type,
# cloud and region. `terraform test` applies it, checks the clone, and destroys it.

data "aura_instance" "source" {
  id = var.instance_id
}

# aura_snapshot with most_recent walks back from today and stops at the first day with a match, so a drill costs
# one list call on a day the instance was backed up, and fails clearly when no snapshot can be cloned.
data "aura_snapshot" "newest_exportable" {
  instance_id      = var.instance_id
  instance_version = var.instance_version
  most_recent      = true
  exportable_only  = true
  status           = "Completed"
}

# The ages are measured with Aura's clock (checked_at, from the API's Date header), not the runner's: a drill run
# against aura-emulator with its clock moved on fails as it would on Aura. Its days are the ones aura_snapshot
# listed, so it costs no list call of its own.
data "aura_backup_status" "source" {
  instance_id      = var.instance_id
  instance_version = var.instance_version
}

# A warning in a plain apply; an error that fails the drill under terraform test.
check "recovery_point_is_recent" {
  assert {
    condition     = timecmp(timeadd(data.aura_snapshot.newest_exportable.timestamp, var.max_snapshot_age), data.aura_backup_status.source.checked_at) > 0
    error_message = "The newest exportable snapshot of ${var.instance_id} was taken at ${data.aura_snapshot.newest_exportable.timestamp}, more than ${var.max_snapshot_age} before ${data.aura_backup_status.source.checked_at} (Aura's clock)."
  }
}

resource "aura_instance_from_snapshot" "drill" {
  name               = var.name
  type               = data.aura_instance.source.type
  cloud_provider     = data.aura_instance.source.cloud_provider
  region             = data.aura_instance.source.region
  memory             = coalesce(var.memory, data.aura_instance.source.memory)
  version            = var.instance_version
  tenant_id          = data.aura_instance.source.tenant_id
  source_instance_id = var.instance_id
  source_snapshot_id = data.aura_snapshot.newest_exportable.snapshot_id

  # A drill's clone is temporary: terraform test destroys it at the end of every run.
  deletion_protection = false
}

# Runs only with verify_command; terraform_data is built into Terraform and OpenTofu, so nothing is downloaded.
resource "terraform_data" "verify" {
  count            = var.verify_command == null ? 0 : 1
  triggers_replace = [aura_instance_from_snapshot.drill.id]

  provisioner "local-exec" {
    command = var.verify_command
    environment = {
      CLONE_ID       = aura_instance_from_snapshot.drill.id
      CLONE_URL      = aura_instance_from_snapshot.drill.connection_url
      CLONE_USERNAME = aura_instance_from_snapshot.drill.username
      CLONE_PASSWORD = aura_instance_from_snapshot.drill.password
      SNAPSHOT_ID    = data.aura_snapshot.newest_exportable.snapshot_id
    }
  }
}
