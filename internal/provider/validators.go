package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationBetween accepts a Go duration ("6s", "500ms") from min to max.
type durationBetween struct{ min, max time.Duration }

var _ validator.String = durationBetween{}

func (v durationBetween) Description(context.Context) string {
	return "must be " + durationRange(v.min, v.max)
}

func (v durationBetween) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationBetween) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(raw); err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s must be %s; got %q.", req.Path, durationRange(v.min, v.max), raw))
	}
}

func durationRange(lo, hi time.Duration) string {
	// time.Duration writes 10 minutes as "10m0s"; people write "10m".
	short := func(d time.Duration) string {
		s := d.String()
		for _, zero := range []string{"m0s", "h0m"} {
			if strings.HasSuffix(s, zero) {
				s = s[:len(s)-2]
			}
		}
		return s
	}
	return fmt.Sprintf("a duration from %s to %s, such as \"6s\" or \"500ms\"", short(lo), short(hi))
}

// mustBeTrue makes confirm_overwrite a deliberate act.
type mustBeTrue struct{}

func (mustBeTrue) Description(context.Context) string { return "must be true" }
func (v mustBeTrue) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (mustBeTrue) ValidateBool(_ context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if req.ConfigValue.IsUnknown() || req.ConfigValue.ValueBool() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Overwrite not confirmed",
		fmt.Sprintf("%s must be true: this operation replaces all data of the instance. Allowed value: true.", req.Path))
}

// oneOf is stringvalidator.OneOf with Terraform's own "did you mean" for a near miss ("4gb" for "4GB").
type oneOf struct {
	validator.String
	values []string
}

func oneOfValues(values ...string) oneOf { return oneOf{stringvalidator.OneOf(values...), values} }

func (v oneOf) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	var inner validator.StringResponse
	v.String.ValidateString(ctx, req, &inner)
	for _, d := range inner.Diagnostics {
		detail := d.Detail()
		if near := nearest(req.ConfigValue.ValueString(), v.values); near != "" {
			detail += fmt.Sprintf(" Did you mean %q?", near)
		}
		resp.Diagnostics.AddAttributeError(req.Path, d.Summary(), detail)
	}
}
