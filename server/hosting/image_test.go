package hosting

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestImage builds the OCI image with deploy/image/build.sh (what make image
// runs) around the test's binary, inspects it (entrypoint, non-root user,
// /data volume, port, labels), then takes the binary out of the image and
// runs it against /readyz: this machine builds images but cannot run
// containers.
func TestImage(t *testing.T) {
	buildah, err := exec.LookPath("buildah")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("buildah is not installed (apt-get install buildah)")
		}
		t.Fatal("buildah is not installed and CI is set: apt-get install buildah")
	}
	root, err := servertest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	image := "localhost/tickarena-test-" + hex.EncodeToString(suffix)
	out, err := exec.Command(filepath.Join(root, "deploy", "image", "build.sh"), servertest.Binary(t), image).CombinedOutput()
	if err != nil {
		t.Fatalf("build the image: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		ids, _ := exec.Command(buildah, "images", "-q", image).Output()
		for _, id := range strings.Fields(string(ids)) {
			_ = exec.Command(buildah, "rmi", "-f", id).Run()
		}
	})

	raw, err := exec.Command(buildah, "inspect", "--type", "image", image+":latest").Output()
	if err != nil {
		t.Fatalf("inspect the image: %v", err)
	}
	var inspected struct {
		OCIv1 struct {
			Config struct {
				Entrypoint   []string
				User         string
				Labels       map[string]string
				ExposedPorts map[string]struct{}
				Volumes      map[string]struct{}
				Env          []string
			} `json:"config"`
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		}
	}
	if err := json.Unmarshal(raw, &inspected); err != nil {
		t.Fatalf("read the inspection: %v", err)
	}
	c := inspected.OCIv1.Config
	if strings.Join(c.Entrypoint, " ") != "/tickarena" {
		t.Errorf("entrypoint %q, want /tickarena", c.Entrypoint)
	}
	if c.User == "" || strings.HasPrefix(c.User, "0") || strings.HasPrefix(c.User, "root") {
		t.Errorf("user %q, want a non-root user", c.User)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("volumes %v, want /data", c.Volumes)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 8080/tcp", c.ExposedPorts)
	}
	for _, l := range []string{"org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.source"} {
		if c.Labels[l] == "" || c.Labels[l] == "unknown" {
			t.Errorf("label %s is %q", l, c.Labels[l])
		}
	}
	if !strings.Contains(strings.Join(c.Env, " "), "TICKARENA_DB=/data/") {
		t.Errorf("env %q does not keep the database in /data", c.Env)
	}

	// Take the binary out of the image and run it.
	ctr, err := exec.Command(buildah, "from", "--pull-never", image+":latest").Output()
	if err != nil {
		t.Fatalf("buildah from: %v", err)
	}
	name := strings.TrimSpace(string(ctr))
	defer exec.Command(buildah, "rm", name).Run()
	mnt, err := exec.Command(buildah, "mount", name).Output()
	if err != nil {
		t.Fatalf("buildah mount: %v", err)
	}
	defer exec.Command(buildah, "umount", name).Run()
	dir := strings.TrimSpace(string(mnt))
	if fi, err := os.Stat(filepath.Join(dir, "data")); err != nil || !fi.IsDir() {
		t.Errorf("the image has no /data directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "etc/ssl/certs/ca-certificates.crt")); err != nil {
		t.Errorf("the image has no CA certificates (ACME needs them): %v", err)
	}
	bin := filepath.Join(t.TempDir(), "tickarena")
	copyFile(t, filepath.Join(dir, "tickarena"), bin)
	addr := servertest.FreeAddr(t)
	cmd := exec.Command(bin, "-addr", addr, "-db", filepath.Join(t.TempDir(), "t.db"))
	if err := cmd.Start(); err != nil {
		t.Fatalf("run the binary from the image: %v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	testwait.Until(t, 20*time.Second, "/readyz of the binary from the image to answer 200", func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
