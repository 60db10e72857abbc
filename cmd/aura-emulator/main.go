// Command aura-emulator serves an emulated Aura management API on loopback for tests, demos and CI.
// See the README's "Running the emulator" section for the control API.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aura-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg := emulator.DefaultConfig()
	fs := flag.NewFlagSet("aura-emulator", flag.ContinueOnError)
	fs.StringVar(&cfg.Listen, "listen", env("LISTEN", cfg.Listen), "address to listen on; port 0 picks a free one")
	fs.StringVar(&cfg.StateFile, "state-file", env("STATE_FILE", ""), "persist all state in this file and reload it on start")
	fs.BoolVar(&cfg.TLS, "tls", envBool("TLS"), "serve HTTPS with a generated self-signed certificate")
	fs.StringVar(&cfg.TLSCAOut, "tls-ca-out", env("TLS_CA_OUT", ""), "write the self-signed certificate (PEM) here")
	fs.IntVar(&cfg.RateLimit, "rate-limit", envInt("RATE_LIMIT", cfg.RateLimit), "requests per minute over all API endpoints; 0 = off")
	fs.DurationVar(&cfg.Latency, "latency", envDuration("LATENCY", 0), "latency added to each API answer")
	fs.DurationVar(&cfg.Transition, "transition", envDuration("TRANSITION", cfg.Transition), "how long each transitional status lasts")
	fs.DurationVar(&cfg.GraphRefresh, "graph-refresh", envDuration("GRAPH_REFRESH", cfg.GraphRefresh), "how long, in emulated time, a data change takes to show in graph_nodes and graph_relationships")
	fs.DurationVar(&cfg.TokenTTL, "token-ttl", envDuration("TOKEN_TTL", cfg.TokenTTL), "lifetime of access tokens")
	fs.StringVar(&cfg.ClientID, "client-id", env("CLIENT_ID", ""), "seeded client id (generated when empty)")
	fs.StringVar(&cfg.ClientSecret, "client-secret", env("CLIENT_SECRET", ""), "seeded client secret (generated when empty)")
	fs.BoolVar(&cfg.NoExtensions, "no-extensions", envBool("NO_EXTENSIONS"), "serve the public API v1 only: extension paths answer a bare 404")
	fs.BoolVar(&cfg.SmallCatalogue, "small-catalogue", envBool("SMALL_CATALOGUE"), "seed two regions per cloud instead of every region Aura offers")
	fs.StringVar(&cfg.StorageDir, "storage-dir", env("STORAGE_DIR", ""), "directory for uploaded files (default: beside --state-file, else a temporary one)")
	fs.Int64Var(&cfg.UploadPartSize, "upload-part-size", int64(envInt("UPLOAD_PART_SIZE", 0)), "S3 part size in bytes that initiate aims at (default 32 MiB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	if err := e.Start(); err != nil {
		return err
	}
	line, _ := json.Marshal(e.ReadyLine())
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.Shutdown(ctx)
}

// Each flag falls back to AURA_EMULATOR_<NAME>.
func env(name, def string) string {
	if v, ok := os.LookupEnv("AURA_EMULATOR_" + name); ok {
		return v
	}
	return def
}

func envBool(name string) bool {
	v, _ := strconv.ParseBool(env(name, "false"))
	return v
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(strings.TrimSpace(env(name, ""))); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env(name, "")); err == nil {
		return v
	}
	return def
}
