package aura

import "github.com/aura-terraform/terraform-provider-aura/internal/fakeclock"

type fakeClock = fakeclock.Clock

func newFakeClock() *fakeClock { return fakeclock.New() }
