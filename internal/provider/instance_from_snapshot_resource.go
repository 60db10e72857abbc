package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewInstanceFromSnapshotResource is aura_instance_from_snapshot: aura_instance's code with the source
// attributes added (see instanceSchema and instanceResource.Create).
func NewInstanceFromSnapshotResource() resource.Resource { return &instanceResource{clone: true} }
