package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
)

// The emulator's statistics name the upload protocol's routes so (api/emulator.md).
const (
	uploadAuthRoute     = "/console/v1/databases/{dbid}/import/auth"
	uploadSizeRoute     = "/console/v1/databases/{dbid}/import/size"
	uploadInitRoute     = "/console/v2/databases/{dbid}/import"
	uploadCompleteRoute = "/console/v1/databases/{dbid}/import/upload-complete"
	uploadStatusRoute   = "/console/v1/databases/{dbid}/import/status"
	gcsObjectRoute      = "/storage/gcs/{object}"
	s3PartRoute         = "/storage/s3/{object}/{part}"
)

// passwordVariable declares an ephemeral variable for an upload's password_wo: its value is in neither the plan
// nor the state, and it reaches Terraform through TF_VAR_<name> or ConfigVariables, never through the
// configuration text, which the test harness logs.
func passwordVariable(name string) string {
	return fmt.Sprintf(`
variable %q {
  type      = string
  sensitive = true
  ephemeral = true
}
`, name)
}

// passwordOf is ConfigVariables giving variable db_password (passwordVariable("db_password")) the password of an
// instance createInstanceFrom made.
func passwordOf(t *testing.T, id string) config.Variables {
	t.Helper()
	return config.Variables{"db_password": config.StringVariable(instancePassword(t, id))}
}
