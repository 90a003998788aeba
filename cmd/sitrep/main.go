// Command sitrep serves and manages a sourced record of an armed conflict.
// Run `sitrep help` for the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// No heap profile is ever read from a running sitrep, and sampling one
// keeps a record of every allocating call stack for the process's life
// (5 MB of a 135 MB limit after a run through every page).
func init() { runtime.MemProfileRate = 0 }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "sitrep:", err)
		}
		os.Exit(exitCode(err))
	}
}

// env reads configuration from the environment; tests pass their own.
type env func(string) string

// run is sitrep without the process around it, so tests can call it.
func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	ownerOnly()
	if len(args) == 0 {
		printUsage(stderr)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	for _, c := range commands {
		if c.name == cmd {
			return c.run(ctx, rest, getenv, stdin, stdout, stderr)
		}
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return nil
	}
	fmt.Fprintf(stderr, "sitrep: unknown command %q\n\n", cmd)
	printUsage(stderr)
	return errUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "sitrep keeps a sourced record of an armed conflict: dated events and force-size")
	fmt.Fprintln(w, "estimates, each tied to the sources that reported them.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: sitrep <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `sitrep <command> --help` for a command's flags.")
}
