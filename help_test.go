package main

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeCommands returns the lines of the README's command block: the code
// block under "## Commands".
func readmeCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "## Commands\n\n```\n")
	block, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no code block under \"## Commands\"")
	}
	return strings.Split(strings.TrimSuffix(block, "\n"), "\n")
}

// flagNames returns "--name" for every flag of fs.
func flagNames(fs *flag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(fl *flag.Flag) { out = append(out, "--"+fl.Name) })
	return out
}

// TestREADMEListsEveryFlag keeps the README's command block in step with
// the flag sets: one line per command, naming every flag of the command and
// no other, equal to the generated usage line.
func TestREADMEListsEveryFlag(t *testing.T) {
	lines := readmeCommands(t)
	want := synopses()
	flagRe := regexp.MustCompile(`--[a-z][a-z-]*`)
	for i, c := range commands() {
		if i >= len(lines) {
			t.Fatalf("README command block lacks %s; expected:\n%s", c.name, strings.Join(want, "\n"))
		}
		line, fs := lines[i], flagsOf(c)
		for _, name := range flagNames(fs) {
			if !strings.Contains(line+" ", name+" ") && !strings.Contains(line, name+"]") {
				t.Errorf("README line for %s lacks %s: %q", c.name, name, line)
			}
		}
		for _, name := range flagRe.FindAllString(line, -1) {
			if fs.Lookup(strings.TrimPrefix(name, "--")) == nil {
				t.Errorf("README line for %s has %s, which the command lacks: %q", c.name, name, line)
			}
		}
		if line != want[i] {
			t.Errorf("README line for %s differs from the generated usage:\n got: %s\nwant: %s", c.name, line, want[i])
		}
	}
	if len(lines) != len(want) {
		t.Errorf("README command block has %d lines, want %d:\n%s", len(lines), len(want), strings.Join(want, "\n"))
	}
}

// TestHelpListsEveryFlag checks that --help of every command, and help
// COMMAND, succeed with stdout only and mention every flag, and that the
// top-level help lists every command's usage line.
func TestHelpListsEveryFlag(t *testing.T) {
	for _, c := range commands() {
		fs := flagsOf(c)
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			out, stderr, err := runCmd(t, args...)
			if err != nil || stderr != "" || exitCode(err) != 0 {
				t.Errorf("%v: error %v, stderr %q", args, err, stderr)
			}
			if !strings.HasPrefix(out, "Usage: "+synopsis(c, fs, 0)+"\n") {
				t.Errorf("%v: help does not start with the usage line:\n%s", args, out)
			}
			for _, name := range flagNames(fs) {
				if !strings.Contains(out, "\n  "+name) {
					t.Errorf("%v: help does not describe %s:\n%s", args, name, out)
				}
			}
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"-help"}} {
		out, stderr, err := runCmd(t, args...)
		if err != nil || stderr != "" {
			t.Errorf("%v: error %v, stderr %q", args, err, stderr)
		}
		for _, s := range synopses() {
			if !strings.Contains(out, "  "+s+"\n") {
				t.Errorf("%v: usage lacks %q:\n%s", args, s, out)
			}
		}
	}
	if _, _, err := runCmd(t, "help", "frobnicate"); exitCode(err) != 2 {
		t.Errorf("help frobnicate: %v", err)
	}
}

// TestFlagsHavePlaceholders checks that every flag that takes a value names
// it in its usage (`NAME`) or is a choice flag: the usage lines show no Go
// type names.
func TestFlagsHavePlaceholders(t *testing.T) {
	for _, c := range commands() {
		flagsOf(c).VisitAll(func(fl *flag.Flag) {
			if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				return
			}
			if _, ok := fl.Value.(*choiceFlag); !ok && !strings.Contains(fl.Usage, "`") {
				t.Errorf("%s --%s: usage names no placeholder: %q", c.name, fl.Name, fl.Usage)
			}
		})
	}
}
