package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/aura-terraform/terraform-provider-aura/internal/provider"
)

// Run "go generate" to format examples and regenerate docs.
//go:generate terraform fmt -recursive ./examples/
//go:generate go tool tfplugindocs generate --provider-name aura

// version is set by goreleaser.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// providerserver.Serve, with the server that adds the one warning of a run that waited for Aura's rate limit.
	err := tf6server.Serve("registry.terraform.io/aura-terraform/aura", provider.NewServer(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
