package config

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReadmeFlagTable holds README.md's flag table to the flags: every flag
// has a row with its variable, every row names a flag, and a default given
// as a value (in backticks) is the flag's.
func TestReadmeFlagTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ env, def string }
	rows := map[string]row{}
	cell := regexp.MustCompile("`([^`]*)`")
	for line := range strings.SplitSeq(string(readme), "\n") {
		cols := strings.Split(line, "|")
		if len(cols) < 5 || !strings.HasPrefix(strings.TrimSpace(cols[1]), "`-") {
			continue
		}
		names, envs := cell.FindAllStringSubmatch(cols[1], -1), cell.FindAllStringSubmatch(cols[2], -1)
		if len(names) != len(envs) {
			t.Errorf("README row %q: %d flags but %d variables", line, len(names), len(envs))
			continue
		}
		def := ""
		if m := cell.FindStringSubmatch(cols[3]); m != nil {
			def = m[1]
		}
		for i, n := range names {
			rows[strings.TrimPrefix(n[1], "-")] = row{env: envs[i][1], def: def}
		}
	}

	c := Default()
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.bind(fs)
	fs.VisitAll(func(f *flag.Flag) {
		r, ok := rows[f.Name]
		switch {
		case !ok:
			t.Errorf("flag -%s has no row in README.md's flag table", f.Name)
			return
		case r.env != EnvName(f.Name):
			t.Errorf("README.md gives -%s the variable %s, want %s", f.Name, r.env, EnvName(f.Name))
		case r.def != "" && !sameValue(r.def, f.DefValue):
			t.Errorf("README.md gives -%s the default %q; the flag's is %q", f.Name, r.def, f.DefValue)
		}
		delete(rows, f.Name)
	})
	for name := range rows {
		t.Errorf("README.md's flag table has -%s, which is no flag", name)
	}
}

// sameValue compares a default as README.md writes it with a flag's: the
// same durations (5m and 5m0s) and words in any case are the same.
func sameValue(doc, def string) bool {
	if a, err := time.ParseDuration(doc); err == nil {
		b, err := time.ParseDuration(def)
		return err == nil && a == b
	}
	return strings.EqualFold(doc, def)
}
