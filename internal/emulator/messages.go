package emulator

// Errors whose wording Aura fixes (api/README.md A.4 "Rules"): clients and users match on these texts, so they
// are Aura's words, typos included.

func dbNotFound(field, id string) *apiError {
	return errorf(404, "db-not-found", field, "DB not found: %s", id)
}

func tenantNotFound(field string) *apiError {
	return errorf(404, "tenant-not-found", field, "The tenant you specified could not be found")
}

// busy refuses an action the instance's status does not accept. While an operation runs, Aura names it in its
// own (sic) words; a settled status that does not fit (pause a paused instance) has no Aura wording known, so
// the message says which status the action met.
func busy(in *instance, action string) *apiError {
	if in.transitional() {
		return errorf(409, "ongoing-database-operation", "", "The database is current undergoing an operation: %s", in.Status)
	}
	return errorf(409, "ongoing-database-operation", "", "Instance %s is %s; it can not %s now.", in.ID, in.Status, action)
}

func missingBillingDetails() *apiError {
	return errorf(400, "missing-billing-details", "", "You must provide billing details in the Aura Console before creating an instance")
}

func noMetricsInstance() *apiError {
	return errorf(400, "tenant-incapable-of-action", "", "This tenant has no instances eligible for metrics integration")
}
