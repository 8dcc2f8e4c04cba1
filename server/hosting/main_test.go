package hosting

import (
	"os"
	"testing"

	"github.com/tickarena/tickarena/internal/servertest"
)

func TestMain(m *testing.M) { os.Exit(servertest.Main(m)) }
