resource "aura_instance" "ledger" {
  name                = "ledger"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

# A snapshot now, so that the checks below find one from the first apply on.
resource "aura_snapshot" "now" {
  instance_id = aura_instance.ledger.id
}

# A gate: the plan fails (exit code 1) when the newest exportable snapshot is older than 26 hours, that is when the
# daily schedule missed a run. No exportable snapshot at all (a null age) fails too.
data "aura_backup_status" "ledger" {
  instance_id      = aura_instance.ledger.id
  instance_version = aura_instance.ledger.version
  depends_on       = [aura_snapshot.now]

  lifecycle {
    postcondition {
      condition     = coalesce(self.exportable_age_seconds, 26 * 3600) < 26 * 3600
      error_message = "The newest exportable snapshot of ledger is older than 26 hours: no clone or export could use a fresher one."
    }
  }
}

# A watch: a failing check block is a warning, and the plan and apply go on. This one allows one missed scheduled
# snapshot of the instance's type.
check "ledger_recovery_point" {
  assert {
    condition = coalesce(data.aura_backup_status.ledger.recovery_point_age_seconds, 3 * 86400) < (
      2 * coalesce(data.aura_backup_status.ledger.scheduled_interval_seconds, 86400)
    )
    error_message = "A restore of ledger now would lose more than two scheduled snapshots' worth of changes."
  }
}

output "ledger_backup_cadence" {
  value = data.aura_backup_status.ledger.scheduled_cadence
}
