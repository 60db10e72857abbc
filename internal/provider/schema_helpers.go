package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// computedString is a data source attribute that only reads.
func computedString(desc string) dsschema.StringAttribute {
	return dsschema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

// Default timeouts: Aura's operations take minutes, and a resize or a restore of a large database longer.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 20 * time.Minute
)

// timeoutsAttribute is the timeouts block of a resource whose operations wait, with the defaults in its docs.
func timeoutsAttribute(ctx context.Context, update, delete bool) schema.SingleNestedAttribute {
	desc := func(op string, d time.Duration) string {
		return fmt.Sprintf("How long %s may wait, as a duration such as `\"45m\"`. Default `%s`.", op, strings.TrimSuffix(d.String(), "0s"))
	}
	a := timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: update, Delete: delete,
		CreateDescription: desc("create", defaultCreateTimeout), UpdateDescription: desc("an update", defaultUpdateTimeout),
		DeleteDescription: desc("destroy", defaultDeleteTimeout)})
	return a.(schema.SingleNestedAttribute)
}

// withTimeout bounds ctx by one of a resource's timeouts (plan.Timeouts.Create, .Update or .Delete), or by def
// when it is not set.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := timeout(ctx, def)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}
