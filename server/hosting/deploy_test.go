package hosting

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/server/config"
)

// readDeploy returns a file under deploy/.
func readDeploy(t *testing.T, name string) string {
	t.Helper()
	root, err := servertest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSystemdUnit checks the unit's hardening and open-files limit, and has
// systemd-analyze verify it (with ExecStart pointing at the built binary).
func TestSystemdUnit(t *testing.T) {
	unit := readDeploy(t, "systemd/tickarena.service")
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=tickarena", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "KillSignal=SIGTERM"} {
		if !strings.Contains(unit, "\n"+want+"\n") {
			t.Errorf("the unit lacks %s", want)
		}
	}
	m := regexp.MustCompile(`\nLimitNOFILE=(\d+)\n`).FindStringSubmatch(unit)
	if m == nil {
		t.Fatal("the unit sets no LimitNOFILE")
	}
	if n, _ := strconv.Atoi(m[1]); n < config.Default().Realtime.MaxConnections+100 {
		t.Errorf("LimitNOFILE=%d leaves no room beside -max-conns %d", n, config.Default().Realtime.MaxConnections)
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; the unit's text was checked")
	}
	path := filepath.Join(t.TempDir(), "tickarena.service")
	unit = strings.ReplaceAll(unit, "/usr/local/bin/tickarena", servertest.Binary(t))
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
